using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace GitLabBus.Tests.EndToEnd;

/// <summary>
/// Requests the web server itself refuses before any code of ours runs (a NUL in the path, a request line or headers past
/// its limits, malformed HTTP) still get the contract's error body, on the real server, byte for byte over a socket; and
/// the answers before them on the same connection are untouched.
/// </summary>
public sealed class When_the_web_server_refuses_a_request : IClassFixture<GatewayProcess>
{
    private readonly GatewayProcess _gateway;

    public When_the_web_server_refuses_a_request(GatewayProcess gateway) => _gateway = gateway;

    [Theory]
    [InlineData("GET /gitlab/projects/%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400)]
    [InlineData("GET /a?b=LONG HTTP/1.1\r\nHost: x\r\n\r\n", 414)]
    [InlineData("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: HUGE\r\n\r\n", 431)]
    [InlineData("GET /health HTTP/1.1\r\nHost x\r\n\r\n", 400)]
    public async Task Should_answer_with_the_contracts_error_body(string request, int status)
    {
        var raw = request
            .Replace("LONG", new string('l', 40_000), StringComparison.Ordinal)
            .Replace("HUGE", new string('h', 140_000), StringComparison.Ordinal);

        var answer = await ExchangeAsync(raw);

        var (head, body) = Split(answer);
        Assert.StartsWith($"HTTP/1.1 {status} ", head, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/json", head, StringComparison.Ordinal);
        Assert.Contains($"Content-Length: {Encoding.UTF8.GetByteCount(body)}", head, StringComparison.Ordinal);
        Assert.Equal("invalid_request", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Should_leave_the_answers_before_a_refusal_on_the_same_connection_as_they_were()
    {
        var answer = await ExchangeAsync("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK", answer, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"healthy\"", answer, StringComparison.Ordinal);
        var refusal = answer[answer.IndexOf("HTTP/1.1 400", StringComparison.Ordinal)..];
        Assert.Equal(
            "invalid_request",
            JsonDocument.Parse(Split(refusal).Body).RootElement.GetProperty("error").GetProperty("code").GetString()
        );
    }

    /// <summary>Sends <paramref name="request"/> and reads until the server closes the connection (it does after a refusal).</summary>
    private async Task<string> ExchangeAsync(string request)
    {
        var address = new Uri(_gateway.BaseUrl);
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // Reset after the answer: what arrived is what counts.
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }

    private static (string Head, string Body) Split(string response)
    {
        var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (response[..end], response[(end + 4)..]);
    }
}

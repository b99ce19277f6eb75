using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace GitLabBus.Tests.EndToEnd;

/// <summary>
/// Oversized and malformed requests on the real server, byte for byte over a socket: up to the server's own limits the
/// gateway answers them with the contract's body; past them, and for what the server cannot parse (a NUL in the path,
/// malformed HTTP), the server answers before any code of ours, bare, and closes the connection, as docs/operations.md says.
/// </summary>
public sealed class When_the_web_server_refuses_a_request : IClassFixture<GatewayProcess>
{
    private readonly GatewayProcess _gateway;

    public When_the_web_server_refuses_a_request(GatewayProcess gateway) => _gateway = gateway;

    [Theory]
    [InlineData("GET /a?b=LONG HTTP/1.1\r\nHost: x\r\n\r\n", 10_000, 414)]
    [InlineData("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: LONG\r\n\r\n", 40_000, 431)]
    public async Task Should_answer_within_the_servers_limits_with_the_contracts_error_body(string request, int length, int status)
    {
        var answer = await ExchangeAsync(request.Replace("LONG", new string('l', length), StringComparison.Ordinal));

        var (head, body) = Split(answer);
        Assert.StartsWith($"HTTP/1.1 {status} ", head, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/json", head, StringComparison.Ordinal);
        // The answer may come chunked: the JSON is between its first and last brace.
        var json = body[body.IndexOf('{', StringComparison.Ordinal)..(body.LastIndexOf('}') + 1)];
        Assert.Equal("invalid_request", JsonDocument.Parse(json).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("GET /gitlab/projects/%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400)]
    [InlineData("GET /a?b=LONG HTTP/1.1\r\nHost: x\r\n\r\n", 414)]
    [InlineData("GET /health HTTP/1.1\r\nHost x\r\n\r\n", 400)]
    public async Task Should_leave_what_the_server_refuses_itself_bare_and_closed(string request, int status)
    {
        var answer = await ExchangeAsync(request.Replace("LONG", new string('l', 40_000), StringComparison.Ordinal));

        var (head, body) = Split(answer);
        Assert.StartsWith($"HTTP/1.1 {status} ", head, StringComparison.Ordinal);
        Assert.Contains("Connection: close", head, StringComparison.Ordinal);
        Assert.Empty(body);
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

using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace GitLabBus.Tests.EndToEnd;

/// <summary>
/// Oversized and malformed requests on the real server, byte for byte over a socket. Up to the server's own limits the
/// gateway answers them itself; past them, and for what the server cannot parse (a NUL in the path, malformed HTTP), the
/// server refuses before any code of ours and a connection filter gives its answer the contract's body. Everything else
/// on the connection passes the filter untouched.
/// </summary>
public sealed class When_the_web_server_refuses_a_request : IClassFixture<GatewayProcess>
{
    private readonly GatewayProcess _gateway;

    public When_the_web_server_refuses_a_request(GatewayProcess gateway) => _gateway = gateway;

    [Theory]
    [InlineData("GET /a?b=LONG HTTP/1.1\r\nHost: x\r\n\r\n", 10_000, 414)]
    [InlineData("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: LONG\r\n\r\n", 40_000, 431)]
    [InlineData("GET /gitlab/projects/%00 HTTP/1.1\r\nHost: x\r\n\r\n", 0, 400)]
    [InlineData("GET /a?b=LONG HTTP/1.1\r\nHost: x\r\n\r\n", 40_000, 414)]
    [InlineData("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: LONG\r\n\r\n", 140_000, 431)]
    [InlineData("GET /health HTTP/1.1\r\nHost x\r\n\r\n", 0, 400)]
    public async Task Should_answer_with_the_contracts_error_body(string request, int length, int status)
    {
        var answer = await ExchangeAsync(request.Replace("LONG", new string('l', length), StringComparison.Ordinal));

        var (head, body) = Split(answer);
        Assert.StartsWith($"HTTP/1.1 {status} ", head, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/json", head, StringComparison.Ordinal);
        Assert.Equal("invalid_request", ErrorCode(body));
    }

    [Fact]
    public async Task Should_leave_the_answers_before_a_refusal_on_the_same_connection_as_they_were()
    {
        var answer = await ExchangeAsync("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK", answer, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"healthy\"", answer, StringComparison.Ordinal);
        var refusal = answer[answer.IndexOf("HTTP/1.1 400", StringComparison.Ordinal)..];
        Assert.Contains("Connection: close", Split(refusal).Head, StringComparison.Ordinal);
        Assert.Equal("invalid_request", ErrorCode(Split(refusal).Body));
    }

    [Fact]
    public async Task Should_pass_every_other_answer_through_byte_for_byte_under_load()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_gateway.BaseUrl) };
        var expected = await http.GetByteArrayAsync("/openapi/v1.json");

        // Large answers written in many flushes, small ones in one, on many connections at once.
        var answers = await Task.WhenAll(
            Enumerable
                .Range(0, 200)
                .Select(i => i % 2 == 0 ? http.GetByteArrayAsync("/openapi/v1.json") : http.GetByteArrayAsync("/health/live"))
        );

        Assert.All(answers.Where((_, i) => i % 2 == 0), answer => Assert.Equal(expected, answer));
        Assert.All(answers.Where((_, i) => i % 2 == 1), answer => Assert.Contains("healthy", Encoding.UTF8.GetString(answer)));
    }

    private static string? ErrorCode(string body)
    {
        // The answer may come chunked: the JSON is between its first and last brace.
        var json = body[body.IndexOf('{', StringComparison.Ordinal)..(body.LastIndexOf('}') + 1)];
        return JsonDocument.Parse(json).RootElement.GetProperty("error").GetProperty("code").GetString();
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

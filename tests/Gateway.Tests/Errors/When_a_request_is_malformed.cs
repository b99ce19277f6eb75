using System.Net;
using System.Text;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Errors;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Errors;

/// <summary>What the gateway answers before any endpoint could: every refusal carries the contract's error body, and no
/// message quotes a caller's input at length.</summary>
[Collection(GatewayCollection.Name)]
public sealed class When_a_request_is_malformed : IClassFixture<GatewayFactory>
{
    private readonly HttpClient _owner;

    public When_a_request_is_malformed(GatewayFactory gateway) => _owner = gateway.ClientWithRoles(Roles.ProjectOwner);

    [Fact]
    public async Task Should_answer_a_too_long_target_with_414_and_the_error_body()
    {
        using var response = await _owner.GetAsync("/gitlab/projects/1/issues?search=" + new string('a', RequestBounds.MaxTargetLength));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
        Assert.Equal("invalid_request", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Should_answer_too_many_header_bytes_with_431_and_the_error_body()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add("X-Padding", new string('a', RequestBounds.MaxHeadersLength));

        using var response = await _owner.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Equal("invalid_request", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Should_answer_a_body_that_is_not_json_with_415_saying_what_is_expected()
    {
        using var response = await _owner.PostAsync(
            "/gitlab/projects/1/pipelines",
            new StringContent("ref=main", Encoding.UTF8, "application/x-www-form-urlencoded")
        );

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error");
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.Contains("application/json", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_an_unknown_path_with_404_and_the_error_body()
    {
        using var response = await _owner.GetAsync("/no/such/thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Should_cut_a_message_quoting_a_megabyte_of_input()
    {
        var key = new string('K', 1_000_000) + " X";

        using var response = await _owner.PostAsync(
            "/gitlab/projects/1/pipelines",
            new StringContent($$"""{"ref":"main","variables":[{"key":"{{key}}","value":"1"}]}""", Encoding.UTF8, "application/json")
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await response.JsonAsync()).GetProperty("error").GetProperty("message").GetString()!;
        Assert.InRange(message.Length, 1, ApiError.MaxMessageLength);
        Assert.EndsWith("…", message, StringComparison.Ordinal);
    }
}

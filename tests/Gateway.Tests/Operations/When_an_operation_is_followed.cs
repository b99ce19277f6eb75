using System.Net;
using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Runtime.Operations;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Gateway.Operations;

[Collection(GatewayCollection.Name)]
public sealed class When_an_operation_is_followed : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory _gateway;
    private readonly HttpClient _viewer;

    public When_an_operation_is_followed(GatewayFactory gateway)
    {
        _gateway = gateway;
        _viewer = gateway.ClientWithRoles(Roles.Viewer);
    }

    private IOperationProgress Progress => _gateway.Services.GetRequiredService<IOperationProgress>();

    [Fact]
    public async Task Should_be_read_by_a_caller_limited_to_projects_only_when_it_is_of_one_of_them()
    {
        var ofProject1 = Guid.NewGuid().ToString("N");
        var ofNone = Guid.NewGuid().ToString("N");
        await Progress.StartedAsync(ofProject1, "pipeline-trigger", CancellationToken.None, new OperationOwner(1));
        await Progress.StartedAsync(ofNone, "pipeline-trigger", CancellationToken.None);
        using var onProject1 = _gateway.ClientLimitedTo(1);
        using var onProject2 = _gateway.ClientLimitedTo(2);

        using var own = await onProject1.GetAsync($"/operations/{ofProject1}");
        using var foreign = await onProject2.GetAsync($"/operations/{ofProject1}");
        using var foreignEvents = await onProject2.GetAsync($"/operations/{ofProject1}/events");
        using var unnamed = await onProject1.GetAsync($"/operations/{ofNone}");
        using var unlimited = await _viewer.GetAsync($"/operations/{ofNone}");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (foreign.StatusCode, foreignEvents.StatusCode));
        Assert.Equal(HttpStatusCode.NotFound, unnamed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unlimited.StatusCode);
    }

    [Fact]
    public async Task Should_be_read_only_by_the_members_of_the_organisation_it_is_for()
    {
        var ofAcme = Guid.NewGuid().ToString("N");
        await Progress.StartedAsync(ofAcme, "apply-backlog", CancellationToken.None, new OperationOwner(1, "acme"));
        using var member = _gateway.ClientOf([Roles.Viewer], orgs: ["acme"]);
        using var limitedMember = _gateway.ClientOf([Roles.Viewer], orgs: ["acme"], projects: [2]);
        using var stranger = _gateway.ClientOf([Roles.ProjectOwner], orgs: ["globex"]);
        using var onProject1 = _gateway.ClientLimitedTo(1);

        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/operations/{ofAcme}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await limitedMember.GetAsync($"/operations/{ofAcme}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/operations/{ofAcme}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/operations/{ofAcme}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await onProject1.GetAsync($"/operations/{ofAcme}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _viewer.GetAsync($"/operations/{ofAcme}")).StatusCode);
    }

    [Fact]
    public async Task Should_show_its_status_events_and_result()
    {
        var id = Guid.NewGuid().ToString("N");
        await Progress.StartedAsync(id, "apply-backlog", CancellationToken.None);
        await Progress.CompletedAsync(id, new { created = 3 }, CancellationToken.None);

        var view = await (await _viewer.GetAsync($"/operations/{id}")).JsonAsync();

        Assert.Equal(id, view.GetProperty("operation_id").GetString());
        Assert.Equal("apply-backlog", view.GetProperty("kind").GetString());
        Assert.Equal("completed", view.GetProperty("status").GetString());
        Assert.Equal(2, view.GetProperty("events").GetArrayLength());
        Assert.Equal(3, view.GetProperty("result").GetProperty("created").GetInt32());
    }

    [Theory]
    [InlineData("/operations/0123456789abcdef", HttpStatusCode.NotFound, "not_found")]
    [InlineData("/operations/bad%20id", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("/operations/0123456789abcdef/events", HttpStatusCode.NotFound, "not_found")]
    [InlineData("/operations/bad%20id/events", HttpStatusCode.BadRequest, "invalid_request")]
    public async Task Should_refuse_an_unknown_or_malformed_id(string path, HttpStatusCode status, string code)
    {
        var response = await _viewer.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Should_require_a_token()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _gateway.CreateClient().GetAsync("/operations/abc")).StatusCode);
    }

    [Fact]
    public async Task Should_stream_history_then_live_events_and_close_after_the_final_one()
    {
        var id = Guid.NewGuid().ToString("N");
        await Progress.StartedAsync(id, OperationKinds.CacheEmbeddings, CancellationToken.None);

        using var response = await _viewer.GetAsync($"/operations/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await NextEventAsync(reader);
        await Progress.AppendAsync(
            id,
            OperationEventTypes.Progress,
            JsonSerializer.SerializeToElement(new { done = 5 }),
            CancellationToken.None
        );
        var second = await NextEventAsync(reader);
        await Progress.CompletedAsync(id, new { cached = 5 }, CancellationToken.None);
        var third = await NextEventAsync(reader);
        var rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(["started", "progress", "completed"], new[] { first, second, third }.Select(e => e.Event));
        Assert.Equal(5, JsonDocument.Parse(second.Data).RootElement.GetProperty("data").GetProperty("done").GetInt32());
        Assert.All(new[] { first, second, third }, e => Assert.False(string.IsNullOrEmpty(e.Id)));
        Assert.Equal("", rest.Trim());
    }

    private static async Task<(string Event, string Id, string Data)> NextEventAsync(StreamReader reader)
    {
        string type = "",
            id = "",
            data = "";
        while (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)) is { } line)
        {
            if (line.Length == 0 && data.Length > 0)
            {
                return (type, id, data);
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data += line[6..];
            }
        }

        throw new EndOfStreamException("the event stream ended early");
    }
}

using System.Net;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Backlog;

/// <summary><c>cache-embeddings</c> end to end in embedded mode with the default provider (minilm), then the backlog read with the
/// vectors.</summary>
[Collection(GatewayCollection.Name)]
public sealed class When_embeddings_are_cached : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory _gateway;
    private readonly HttpClient _owner;

    public When_embeddings_are_cached(GatewayFactory gateway)
    {
        _gateway = gateway;
        _owner = gateway.ClientWithRoles(Roles.ProjectOwner);
    }

    [Fact]
    public async Task Should_report_the_seeds_events_and_fill_every_title_embedding()
    {
        using var accepted = await _owner.PostAsync("/gitlab/projects/1/cache-embeddings", null);
        var body = await accepted.JsonAsync();
        var operationId = body.GetProperty("operation_id").GetString();
        var operation = default(JsonElement);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (operation = await (await _owner.GetAsync($"/operations/{operationId}")).JsonAsync()).GetProperty("status").GetString()
                    is "completed"
                        or "failed"
            )
        );
        var items = (await (await _owner.GetAsync("/gitlab/projects/1/backlog?state=all&per_page=100")).JsonAsync())
            .GetProperty("items")
            .EnumerateArray()
            .ToList();

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(("1", "embeddings:projects:1"), (body.GetProperty("project_id").GetString(), body.GetProperty("channel").GetString()));
        Assert.Equal("completed", operation.GetProperty("status").GetString());
        // The seed's event names are the events' types, as an event stream names them (event: embedded, ...).
        var named = operation.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()).Distinct();
        Assert.Equal(["started", "progress", "embedded", "cached", "completed"], named);
        Assert.Equal(10, operation.GetProperty("result").GetProperty("cached").GetInt32());
        Assert.All(items, item => Assert.Equal(384, item.GetProperty("title_embedding").GetArrayLength()));
    }

    [Fact]
    public async Task Should_fail_with_gitlabs_refusal_for_an_unknown_project()
    {
        using var accepted = await _owner.PostAsync("/gitlab/projects/987/cache-embeddings", null);
        var operationId = (await accepted.JsonAsync()).GetProperty("operation_id").GetString();
        var operation = default(JsonElement);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (operation = await (await _owner.GetAsync($"/operations/{operationId}")).JsonAsync()).GetProperty("status").GetString()
                    is "completed"
                        or "failed"
            )
        );

        Assert.Equal("failed", operation.GetProperty("status").GetString());
        var events = operation.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(
            ("error", "error"),
            (events[^1].GetProperty("type").GetString(), events[^1].GetProperty("data").GetProperty("event").GetString())
        );
        Assert.Equal("not_found", events[^1].GetProperty("data").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Should_report_the_provider_in_health_and_refuse_readers()
    {
        var health = await (await _owner.GetAsync("/health/embeddings")).JsonAsync();
        using var viewer = await _gateway.ClientWithRoles(Roles.Viewer).PostAsync("/gitlab/projects/1/cache-embeddings", null);

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Contains(
            "minilm provider",
            health.GetProperty("checks").GetProperty("embeddings").GetProperty("description").GetString(),
            StringComparison.Ordinal
        );
        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
    }
}

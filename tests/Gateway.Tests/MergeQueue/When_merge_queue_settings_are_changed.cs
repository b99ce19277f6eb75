using System.Net;
using System.Net.Http.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.MergeQueue;

/// <summary>A project's merge queue settings through the gateway, kept by the consumers: defaults, bounds, roles, 404.</summary>
[Collection(GatewayCollection.Name)]
public sealed class When_merge_queue_settings_are_changed : IAsyncLifetime
{
    private readonly GatewayFactory _gateway = new();
    private HttpClient _owner = null!;
    private HttpClient _manager = null!;
    private HttpClient _viewer = null!;

    public Task InitializeAsync()
    {
        _owner = _gateway.ClientWithRoles(Roles.ProjectOwner);
        _manager = _gateway.ClientWithRoles(Roles.PriorityManager);
        _viewer = _gateway.ClientWithRoles(Roles.Viewer);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Should_show_the_defaults_until_a_project_owner_changes_them()
    {
        var before = await (await _viewer.GetAsync("/gitlab/projects/1/merge-queue/config")).JsonAsync();
        using var put = await _owner.PutAsJsonAsync(
            "/gitlab/projects/1/merge-queue/config",
            new
            {
                target_branches = new[] { "main", "release" },
                batch_size = 8,
                paused = true,
            }
        );
        var after = await (await _viewer.GetAsync("/gitlab/projects/1/merge-queue/config")).JsonAsync();

        Assert.Equal(
            (5, 2, 3, 60),
            (
                before.GetProperty("batch_size").GetInt32(),
                before.GetProperty("max_parallel_batches").GetInt32(),
                before.GetProperty("max_strikes").GetInt32(),
                before.GetProperty("pipeline_timeout_minutes").GetInt32()
            )
        );
        Assert.Equal("Merge Assist: Ready to Merge", before.GetProperty("labels").GetProperty("ready").GetString());
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal((8, true), (after.GetProperty("batch_size").GetInt32(), after.GetProperty("paused").GetBoolean()));
        Assert.Equal(["main", "release"], after.GetProperty("target_branches").EnumerateArray().Select(branch => branch.GetString()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public async Task Should_refuse_a_batch_size_out_of_range_naming_the_field(int batchSize)
    {
        using var put = await _owner.PutAsJsonAsync("/gitlab/projects/1/merge-queue/config", new { batch_size = batchSize });
        var error = (await put.JsonAsync()).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.StartsWith("batch_size:", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("batch_size", error.GetProperty("details").GetProperty("fields")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Should_let_only_admins_and_project_owners_change_them()
    {
        using var byManager = await _manager.PutAsJsonAsync("/gitlab/projects/1/merge-queue/config", new { batch_size = 3 });
        using var byViewer = await _viewer.PutAsJsonAsync("/gitlab/projects/1/merge-queue/config", new { batch_size = 3 });

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (byManager.StatusCode, byViewer.StatusCode));
    }

    [Fact]
    public async Task Should_answer_404_for_a_project_gitlab_does_not_know()
    {
        using var read = await _viewer.GetAsync("/gitlab/projects/999/merge-queue/config");
        using var change = await _owner.PutAsJsonAsync("/gitlab/projects/999/merge-queue/config", new { batch_size = 3 });

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (read.StatusCode, change.StatusCode));
    }
}

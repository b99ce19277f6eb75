using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Consumers.MergeQueue;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Consumers.MergeQueue;

/// <summary>
/// The watcher for installs without webhooks: the merge requests assigned to the service's user (root, as the consumers act
/// here) ask for the queue, except those admission already recognised.
/// </summary>
public sealed class When_the_merge_queue_watcher_runs : IAsyncLifetime
{
    private ConsumersAgainstSimulator _consumers = null!;

    public async Task InitializeAsync() => _consumers = await ConsumersAgainstSimulator.StartAsync(_ => { });

    public async Task DisposeAsync() => await _consumers.DisposeAsync();

    [Fact]
    public async Task Should_ask_for_the_queue_for_every_open_merge_request_assigned_to_the_service_not_yet_recognised()
    {
        await AssignToRootAsync(1);
        await AssignToRootAsync(2, labels: "Merge Assist: Recognised for Merge");

        await RunOnceAsync();

        var ready = await _consumers.Harness.PublishedAsync<MrReadyForBatch>(m => m.MergeRequestIid == 1);
        Assert.Equal((MergeQueueSources.Watcher, 1L), (ready.Source, ready.ProjectId));
        // The round published everything before it returned: what is not there now never will be.
        Assert.DoesNotContain(_consumers.Harness.PublishedSoFar<MrReadyForBatch>(), x => x.Context.Message.MergeRequestIid is 2 or 3);
    }

    [Fact]
    public async Task Should_watch_each_organisations_GitLab_too_past_one_that_refuses()
    {
        // The same simulator plays acme's GitLab here, where the service is alice (acme's token is hers): the merge requests
        // assigned to her are acme's watcher's, those assigned to root the served one's. globex's token is one GitLab refuses.
        var integrations = _consumers.Services.GetRequiredService<IOrgIntegrationStore>();
        foreach (var (org, token) in new[] { ("globex", "glpat-refused-by-gitlab"), ("acme", SimulatorOptions.DeveloperToken) })
        {
            await integrations.SaveAsync(
                new OrgIntegration(org, _consumers.GitLab.BaseAddress!, new Credential(token), "", DateTimeOffset.UtcNow, "spec"),
                CancellationToken.None
            );
        }

        var alice = (
            await _consumers.GitLab.GetFromJsonAsync<JsonElement[]>($"/api/v4/users?username={SimulatorOptions.DeveloperUsername}")
        )!;
        await AssignToRootAsync(1);
        await AssignAsync(2, alice[0].GetProperty("id").GetInt64());

        await RunOnceAsync();

        var served = await _consumers.Harness.PublishedAsync<MrReadyForBatch>(m => m.MergeRequestIid == 1);
        var acme = await _consumers.Harness.PublishedAsync<MrReadyForBatch>(m => m.MergeRequestIid == 2);
        Assert.Equal((null, "acme"), (served.OrgId, acme.OrgId));
    }

    private async Task RunOnceAsync()
    {
        await using var scope = _consumers.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<MergeQueueWatcher>().RunAsync(CancellationToken.None);
    }

    private async Task AssignAsync(long iid, long userId)
    {
        using var answer = await _consumers.GitLab.PutAsJsonAsync(
            $"/api/v4/projects/1/merge_requests/{iid}",
            new { assignee_ids = new[] { userId } }
        );
        answer.EnsureSuccessStatusCode();
    }

    private async Task AssignToRootAsync(long iid, string? labels = null)
    {
        var answer = await _consumers.GitLab.PutAsJsonAsync(
            $"/api/v4/projects/1/merge_requests/{iid}",
            labels is null
                ? new { assignee_ids = new[] { 1 }, add_labels = (string?)null }
                : new { assignee_ids = new[] { 1 }, add_labels = (string?)labels }
        );
        answer.EnsureSuccessStatusCode();
    }
}

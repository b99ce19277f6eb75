using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Consumers.Reviews;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Credentials;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Consumers.Reviews;

/// <summary>The poller, for GitLabs without webhooks: open merge requests and command comments since its watermark.</summary>
public sealed class When_the_review_poller_runs : IAsyncLifetime
{
    private ConsumersAgainstSimulator _consumers = null!;

    private ITestHarness Harness => _consumers.Harness;

    public async Task InitializeAsync() => _consumers = await ConsumersAgainstSimulator.StartAsync(_ => { });

    public async Task DisposeAsync() => await _consumers.DisposeAsync();

    [Fact]
    public async Task Should_ask_for_every_open_head_then_only_for_new_commands_of_people()
    {
        using var alice = new HttpClient { BaseAddress = _consumers.GitLab.BaseAddress };
        alice.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DeveloperToken);
        await alice.CommitAsync("alice-feature", "main", ("web/alice.js", "export const a = 1;\n"));
        var iid = await alice.OpenMergeRequestAsync("alice-feature", "Alice's feature");

        await RoundAsync();
        var first = Harness.PublishedSoFar<ReviewRequested>().Select(x => x.Context.Message).ToList();
        var watermark = await _consumers.Services.GetRequiredService<IReviewStore>().WatermarkAsync(null, CancellationToken.None);
        using var written = await alice.PostAsJsonAsync($"/api/v4/projects/1/merge_requests/{iid}/notes", new { body = "/review please" });
        var noteId = (await written.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        await _consumers.GitLab.PostAsJsonAsync($"/api/v4/projects/1/merge_requests/{iid}/notes", new { body = "/review (quoted)" });
        await RoundAsync();

        // The demo's merge requests are root's, and root is the service here: its own are never reviewed.
        var asked = Assert.Single(first);
        Assert.Equal((iid, ReviewSources.Poller, ReviewCommands.Review), (asked.MergeRequestIid, asked.Source, asked.Command));
        Assert.Equal(40, asked.HeadSha!.Length);
        Assert.NotNull(watermark);
        var commands = Harness.PublishedSoFar<ReviewRequested>().Select(x => x.Context.Message).Where(m => m.NoteId is not null).ToList();
        var command = Assert.Single(commands);
        Assert.Equal((noteId, SimulatorOptions.DeveloperUsername, true), (command.NoteId!.Value, command.RequestedBy, command.Again));
    }

    [Fact]
    public async Task Should_poll_each_organisations_GitLab_with_a_watermark_of_its_own_past_one_that_refuses()
    {
        // The same simulator plays acme's GitLab here; globex's token is one GitLab refuses.
        await OrganisationsAsync(("acme", SimulatorOptions.DefaultToken), ("globex", "glpat-refused-by-gitlab"));
        using var alice = new HttpClient { BaseAddress = _consumers.GitLab.BaseAddress };
        alice.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DeveloperToken);
        await alice.CommitAsync("alice-org", "main", ("web/org.js", "export const o = 1;\n"));
        var iid = await alice.OpenMergeRequestAsync("alice-org", "Alice's change for acme");

        await RoundAsync();

        await Harness.PublishedAsync<ReviewRequested>(m => m.MergeRequestIid == iid && m.OrgId == "acme");
        var asked = Harness.PublishedSoFar<ReviewRequested>().Select(x => x.Context.Message).Where(m => m.MergeRequestIid == iid).ToList();
        Assert.Equal([null, "acme"], asked.Select(request => request.OrgId).Order());
        var store = _consumers.Services.GetRequiredService<IReviewStore>();
        Assert.NotNull(await store.WatermarkAsync("acme", CancellationToken.None));
        Assert.Null(await store.WatermarkAsync("globex", CancellationToken.None));
    }

    private async Task OrganisationsAsync(params (string Org, string Token)[] organisations)
    {
        var integrations = _consumers.Services.GetRequiredService<IOrgIntegrationStore>();
        foreach (var (org, token) in organisations)
        {
            await integrations.SaveAsync(
                new OrgIntegration(org, _consumers.GitLab.BaseAddress!, new Credential(token), "", DateTimeOffset.UtcNow, "spec"),
                CancellationToken.None
            );
        }
    }

    private async Task RoundAsync()
    {
        using var scope = _consumers.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<ReviewPoller>().RunAsync(CancellationToken.None);
    }
}

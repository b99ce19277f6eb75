using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;
using GitLabBus.Tests.TestSupport;
using MassTransit.Testing;

namespace GitLabBus.Tests.Consumers.MergeQueue;

/// <summary>The merge-batch-steps consumer on the embedded bus against the simulator: build and test, land, clean up.</summary>
public sealed class When_batch_steps_are_consumed : IAsyncLifetime
{
    private ConsumersAgainstSimulator _consumers = null!;

    private ITestHarness Harness => _consumers.Harness;

    private HttpClient GitLab => _consumers.GitLab;

    public async Task InitializeAsync() => _consumers = await ConsumersAgainstSimulator.StartAsync(_ => { });

    public async Task DisposeAsync() => await _consumers.DisposeAsync();

    [Fact]
    public async Task Should_build_a_batch_start_one_pipeline_and_have_it_followed_even_when_asked_twice()
    {
        var build = await BuildRequestAsync(1, 1, 2);

        await Harness.Bus.Publish(build);
        await Harness.Bus.Publish(build);

        var built = await BuiltAsync(build.BatchId, count: 2);
        Assert.Equal([1L, 2L], built[0].Included);
        Assert.Equal((built[0].HeadSha, built[0].PipelineId), (built[1].HeadSha, built[1].PipelineId));
        await Harness.PublishedAsync<PipelineMonitoringRequested>(m => m.PipelineId == built[0].PipelineId);
        var pipelines = await GitLab.GetFromJsonAsync<JsonElement[]>(
            $"/api/v4/projects/1/pipelines?ref={Uri.EscapeDataString(built[0].Branch)}"
        );
        Assert.Single(pipelines!, pipeline => pipeline.GetProperty("status").GetString() != "skipped");
    }

    [Fact]
    public async Task Should_land_a_built_batch_and_then_clean_up_after_it()
    {
        var build = await BuildRequestAsync(1, 1, 2);
        await Harness.Bus.Publish(build);
        var built = (await BuiltAsync(build.BatchId, count: 1))[0];

        await Harness.Bus.Publish(
            new MergeBatchLandRequested
            {
                BatchId = build.BatchId,
                ProjectId = 1,
                TargetBranch = "main",
                Number = 1,
                HeadSha = built.HeadSha,
                MergeRequestIid = built.MergeRequestIid!.Value,
                Included = built.Included,
            }
        );
        var landed = await Harness.PublishedAsync<MergeBatchLanded>(x => x.BatchId == build.BatchId);
        await Harness.Bus.Publish(
            new MergeBatchCleanUpRequested
            {
                BatchId = build.BatchId,
                ProjectId = 1,
                TargetBranch = "main",
                Number = 1,
            }
        );

        Assert.Equal(LandingOutcome.Landed, landed.Outcome);
        Assert.Equal([1L, 2L], landed.Merged);
        await Harness.PublishedAsync<MergeBatchCleanedUp>(x => x.BatchId == build.BatchId);
        var branch = await GitLab.GetAsync($"/api/v4/projects/1/repository/branches/{Uri.EscapeDataString(built.Branch)}");
        Assert.Equal(HttpStatusCode.NotFound, branch.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_a_step_without_candidates_with_the_reason()
    {
        var empty = await BuildRequestAsync(1) with { Candidates = [] };

        await Harness.Bus.Publish(empty);

        var consumed = await Harness.ConsumedAsync<MergeBatchBuildRequested>(m => m.BatchId == empty.BatchId);
        Assert.Contains("candidates", Assert.IsType<InvalidMessageException>(consumed.Exception).Message, StringComparison.Ordinal);
    }

    private async Task<MergeBatchBuildRequested> BuildRequestAsync(long number, params long[] iids)
    {
        var main = await GitLab.GetFromJsonAsync<JsonElement>("/api/v4/projects/1/repository/branches/main");
        var candidates = new List<BatchCandidate>();
        foreach (var iid in iids)
        {
            var mr = await GitLab.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/merge_requests/{iid}");
            candidates.Add(new BatchCandidate(iid, mr.GetProperty("sha").GetString()!));
        }

        return new MergeBatchBuildRequested
        {
            BatchId = MergeQueueCorrelation.Batch(1, "main", number),
            ProjectId = 1,
            TargetBranch = "main",
            Number = number,
            BaseSha = main.GetProperty("commit").GetProperty("id").GetString()!,
            Candidates = candidates,
        };
    }

    private async Task<List<MergeBatchBuilt>> BuiltAsync(Guid batchId, int count)
    {
        Assert.True(
            await TestSupport.Gateway.GitLabDelivery.EventuallyAsync(() =>
                Task.FromResult(Harness.PublishedSoFar<MergeBatchBuilt>().Where(x => x.Context.Message.BatchId == batchId).Count() >= count)
            )
        );
        return
        [
            .. Harness.PublishedSoFar<MergeBatchBuilt>().Where(x => x.Context.Message.BatchId == batchId).Select(x => x.Context.Message),
        ];
    }
}

using System.Collections.Concurrent;
using GitLabBus.Contracts;
using GitLabBus.Sagas;
using GitLabBus.Tests.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Sagas.MergeQueue;

/// <summary>The merge-batch saga on the embedded bus, its GitLab steps answered from a script.</summary>
public sealed class When_a_merge_batch_runs : IAsyncLifetime
{
    private const long PipelineId = 77;
    private readonly BatchScript _script = new();
    private EmbeddedHarness _embedded = null!;

    private ITestHarness Harness => _embedded.Harness;

    public async Task InitializeAsync() =>
        _embedded = await EmbeddedHarness.StartAsync(
            (services, settings) =>
            {
                services.AddSingleton(_script);
                var sagas = services.AddSagasRole(settings);
                return bus =>
                {
                    sagas(bus);
                    bus.AddConsumer<ScriptedBatchSteps>();
                };
            },
            new Dictionary<string, string?> { ["REDELIVERY_INTERVALS_SECONDS"] = "none" }
        );

    public async Task DisposeAsync() => await _embedded.DisposeAsync();

    [Fact]
    public async Task Should_build_test_and_land_a_batch_the_queue_lets_land()
    {
        var start = Start(1);

        await Harness.Bus.Publish(start);
        await PublishedAsync<MergeBatchTesting>(start.BatchId);
        await Harness.Bus.Publish(Finished(start, PipelineId, "success"));
        var tested = await PublishedAsync<MergeBatchTested>(start.BatchId);
        await Harness.Bus.Publish(new MergeBatchVerdictGiven { BatchId = start.BatchId, Land = true });
        var finished = await PublishedAsync<MergeBatchFinished>(start.BatchId);

        Assert.True(tested.Passed);
        Assert.Equal(("merged", [1L, 2L]), (finished.Result, finished.Merged.ToArray()), ResultComparer.Instance);
        Assert.Equal(["build", "land", "clean-up"], _script.Asked);
    }

    [Fact]
    public async Task Should_report_the_failed_jobs_and_land_nothing_when_the_queue_discards_it()
    {
        var start = Start(2);

        await Harness.Bus.Publish(start);
        await PublishedAsync<MergeBatchTesting>(start.BatchId);
        await Harness.Bus.Publish(
            Finished(start, PipelineId, "failed") with
            {
                Jobs =
                [
                    new PipelineJobSummary(1, "build", "build", "success", false),
                    new PipelineJobSummary(2, "test", "test", "failed", false),
                    new PipelineJobSummary(3, "lint", "test", "failed", true),
                ],
            }
        );
        var tested = await PublishedAsync<MergeBatchTested>(start.BatchId);
        await Harness.Bus.Publish(new MergeBatchVerdictGiven { BatchId = start.BatchId, Land = true });
        var finished = await PublishedAsync<MergeBatchFinished>(start.BatchId);

        Assert.False(tested.Passed);
        Assert.Equal(["test"], tested.FailedJobs.Select(job => job.Name));
        Assert.Equal("discarded", finished.Result);
        Assert.Equal(["build", "clean-up"], _script.Asked);
    }

    [Fact]
    public async Task Should_take_a_pipeline_that_ended_before_the_batch_was_known_built()
    {
        _script.PipelineEndsFirst = true;
        var start = Start(6);

        await Harness.Bus.Publish(start);
        var tested = await PublishedAsync<MergeBatchTested>(start.BatchId);

        Assert.Equal(("success", true), (tested.Status, tested.Passed));
        Assert.False(await Harness.Published.Any<Fault<PipelineFinished>>());
    }

    [Fact]
    public async Task Should_take_only_its_own_pipeline_and_time_out_without_it()
    {
        var start = Start(3) with { PipelineTimeoutSeconds = 1 };

        await Harness.Bus.Publish(start);
        await PublishedAsync<MergeBatchTesting>(start.BatchId);
        await Harness.Bus.Publish(Finished(start, PipelineId + 1, "success"));
        await Harness.Bus.Publish(Finished(start, PipelineId, "success") with { Ref = "main" });
        var tested = await PublishedAsync<MergeBatchTested>(start.BatchId);

        Assert.Equal(("timed_out", false), (tested.Status, tested.Passed));
    }

    [Fact]
    public async Task Should_end_a_batch_nothing_could_be_merged_into_without_testing_it()
    {
        _script.BuildsNothing = true;
        var start = Start(4);

        await Harness.Bus.Publish(start);
        var tested = await PublishedAsync<MergeBatchTested>(start.BatchId);
        var finished = await PublishedAsync<MergeBatchFinished>(start.BatchId);

        Assert.Equal(("not_built", "not_built"), (tested.Status, finished.Result));
        Assert.Equal(["build", "clean-up"], _script.Asked);
    }

    [Fact]
    public async Task Should_refuse_a_start_whose_batch_id_its_pipeline_could_not_find()
    {
        var start = Start(5) with { BatchId = Guid.NewGuid() };

        await Harness.Bus.Publish(start);

        var consumed = await Harness.ConsumedAsync<MergeBatchStartRequested>(m => m.BatchId == start.BatchId);
        Assert.Contains("batch_id must be", consumed.Exception!.Message, StringComparison.Ordinal);
        Assert.Empty(_script.Asked);
    }

    private static MergeBatchStartRequested Start(long number) =>
        new()
        {
            BatchId = MergeQueueCorrelation.Batch(1, "main", number),
            QueueId = MergeQueueCorrelation.Queue(1, "main"),
            ProjectId = 1,
            TargetBranch = "main",
            Number = number,
            BaseSha = "base",
            Candidates = [new BatchCandidate(1, "a"), new BatchCandidate(2, "b")],
        };

    private static PipelineFinished Finished(MergeBatchStartRequested start, long pipelineId, string status) =>
        new()
        {
            ProjectId = start.ProjectId,
            PipelineId = pipelineId,
            Status = status,
            Ref = MergeQueueCorrelation.BatchBranch(start.TargetBranch, start.Number),
        };

    private Task<T> PublishedAsync<T>(Guid batchId)
        where T : class => Harness.PublishedAsync<T>(message => BatchOf(message) == batchId);

    private static Guid BatchOf(object message) =>
        message switch
        {
            MergeBatchTesting testing => testing.BatchId,
            MergeBatchTested tested => tested.BatchId,
            MergeBatchFinished finished => finished.BatchId,
            _ => Guid.Empty,
        };

    private sealed class ResultComparer : IEqualityComparer<(string, long[])>
    {
        public static readonly ResultComparer Instance = new();

        public bool Equals((string, long[]) x, (string, long[]) y) => x.Item1 == y.Item1 && x.Item2.SequenceEqual(y.Item2);

        public int GetHashCode((string, long[]) obj) => obj.Item1.GetHashCode(StringComparison.Ordinal);
    }

    public sealed class BatchScript
    {
        private readonly ConcurrentQueue<string> _asked = new();

        public bool BuildsNothing { get; set; }

        public bool PipelineEndsFirst { get; set; }

        public IReadOnlyList<string> Asked => [.. _asked];

        public void Ask(string step) => _asked.Enqueue(step);
    }

    public sealed class ScriptedBatchSteps(BatchScript script)
        : IConsumer<MergeBatchBuildRequested>,
            IConsumer<MergeBatchLandRequested>,
            IConsumer<MergeBatchCleanUpRequested>
    {
        public async Task Consume(ConsumeContext<MergeBatchBuildRequested> context)
        {
            script.Ask("build");
            var request = context.Message;
            if (script.PipelineEndsFirst)
            {
                await context.Publish(
                    new PipelineFinished
                    {
                        ProjectId = request.ProjectId,
                        PipelineId = PipelineId,
                        Status = "success",
                        Ref = MergeQueueCorrelation.BatchBranch(request.TargetBranch, request.Number),
                    }
                );
            }

            await context.Publish(
                new MergeBatchBuilt
                {
                    BatchId = request.BatchId,
                    Branch = MergeQueueCorrelation.BatchBranch(request.TargetBranch, request.Number),
                    HeadSha = "head",
                    MergeRequestIid = script.BuildsNothing ? null : 9,
                    Included = script.BuildsNothing ? [] : [.. request.Candidates.Select(candidate => candidate.Iid)],
                    PipelineId = script.BuildsNothing ? null : PipelineId,
                }
            );
        }

        public Task Consume(ConsumeContext<MergeBatchLandRequested> context)
        {
            script.Ask("land");
            return context.Publish(
                new MergeBatchLanded
                {
                    BatchId = context.Message.BatchId,
                    Outcome = LandingOutcome.Landed,
                    Merged = context.Message.Included,
                    TargetSha = "landed",
                }
            );
        }

        public Task Consume(ConsumeContext<MergeBatchCleanUpRequested> context)
        {
            script.Ask("clean-up");
            return context.Publish(new MergeBatchCleanedUp { BatchId = context.Message.BatchId });
        }
    }
}

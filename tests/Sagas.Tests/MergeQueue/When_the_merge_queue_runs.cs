using System.Collections.Concurrent;
using GitLabBus.Contracts;
using GitLabBus.Sagas;
using GitLabBus.Tests.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Sagas.MergeQueue;

/// <summary>
/// The merge-queue and merge-batch sagas together on the embedded bus, over a scripted GitLab (<see cref="ScriptedGitLab"/>):
/// a batch's pipeline fails exactly when its tree holds a merge request marked bad, counting what it was stacked on.
/// </summary>
public sealed class When_the_merge_queue_runs : IAsyncLifetime
{
    private const long Project = 1;
    private const string Target = "main";
    private readonly ScriptedGitLab _gitlab = new();
    private EmbeddedHarness _embedded = null!;

    private ITestHarness Harness => _embedded.Harness;

    public async Task InitializeAsync() =>
        _embedded = await EmbeddedHarness.StartAsync(
            (services, settings) =>
            {
                services.AddSingleton(_gitlab);
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
    public async Task Should_land_the_admitted_merge_requests_together_in_one_batch()
    {
        await AdmitAsync(Paused, 1, 2, 3);
        await ConfigureAsync(Settings);

        await MergedAsync(1, 2, 3);

        var started = Harness.PublishedSoFar<MergeBatchStarted>().Select(x => x.Context.Message).ToList();
        Assert.Equal([1L, 2L, 3L], Assert.Single(started).MergeRequestIids);
        Assert.Equal(["merged"], Harness.PublishedSoFar<MergeBatchFinished>().Select(x => x.Context.Message.Result));
        var history = await HistoryAsync();
        Assert.Equal(["merged", "merged", "merged"], history.Items.Select(item => item.Outcome));
        Assert.Empty((await ViewAsync()).Entries);
    }

    [Fact]
    public async Task Should_find_the_culprit_by_bisection_land_the_innocent_and_reject_it_at_three_failed_pipelines()
    {
        _gitlab.Bad.Add(4);

        await AdmitAsync(Paused, 1, 2, 3, 4, 5);
        await ConfigureAsync(Settings);

        await MergedAsync(1, 2, 3, 5);
        var rejected = await Harness.PublishedAsync<MrRejected>(m => m.MergeRequestIid == 4);
        Assert.Equal((MrRejectedReasons.Strikes, 3), (rejected.Reason, rejected.Strikes));
        Assert.Equal(["test"], rejected.Evidence!.FailedJobs.Select(job => job.Name));
        // Two pipelines failed with it while it was narrowed down (the batch, then the probe of it alone): two strikes at once;
        // the third when it was tested alone again.
        Assert.Equal(
            [2],
            Harness.PublishedSoFar<MrStruck>().Select(x => x.Context.Message).Where(m => m.MergeRequestIid == 4).Select(m => m.Strikes)
        );
        // The first probe [1, 2] passed and, with nothing else on its way to the target, landed itself: no batch took its
        // merge requests again.
        var started = Harness.PublishedSoFar<MergeBatchStarted>().Select(x => x.Context.Message).ToList();
        Assert.Contains(started, probe => probe.Bisecting && probe.MergeRequestIids.SequenceEqual([1L, 2L]));
        Assert.Equal(2, started.Count(m => m.MergeRequestIids.Contains(1L)));
        Assert.True(_gitlab.Landed.Take(2).Order().SequenceEqual([1L, 2L]));
        Assert.DoesNotContain(4L, _gitlab.Landed);
        // The probe [3] passed while !5's batch was on its way to the target: cleared, !3 rode the next main batch.
        var cleared = Assert.Single(started, m => m.Bisecting && m.MergeRequestIids.SequenceEqual([3L]));
        Assert.Contains(started, m => !m.Bisecting && m.MergeRequestIids.Contains(3L) && m.Number > cleared.Number);
    }

    [Fact]
    public async Task Should_go_on_with_the_others_while_the_suspects_are_narrowed_down()
    {
        _gitlab.Bad.Add(3);

        await AdmitAsync(Paused, 1, 2, 3, 4, 5);
        await ConfigureAsync(Settings);

        await MergedAsync(1, 2, 4, 5);
        var rejected = await Harness.PublishedAsync<MrRejected>(m => m.MergeRequestIid == 3);
        var started = Harness.PublishedSoFar<MergeBatchStarted>().Select(x => x.Context.Message).OrderBy(m => m.Number).ToList();
        // The batch failed; its probe [1, 2] passed and landed; the probe [3, 4] failed, so !5 (not in it) went into a main
        // batch at once, started with the next probe [3] instead of after the culprit was found.
        Assert.Equal(
            [(true, new[] { 1L, 2L }), (true, new[] { 3L, 4L }), (true, new[] { 3L }), (false, new[] { 5L })],
            started.Skip(1).Take(4).Select(m => (m.Bisecting, m.MergeRequestIids.ToArray()))
        );
        // Three pipelines failed with it while it was narrowed down (the batch, [3, 4], [3]): rejected without a retry.
        Assert.Equal((MrRejectedReasons.Strikes, 3), (rejected.Reason, rejected.Strikes));
        Assert.DoesNotContain(Harness.PublishedSoFar<MrStruck>(), x => x.Context.Message.MergeRequestIid == 3);
        Assert.All(
            Harness.PublishedSoFar<MergeBatchStartRequested>().Select(x => x.Context.Message),
            start => Assert.All(start.Candidates, candidate => Assert.NotEqual("", candidate.HeadSha))
        );
    }

    [Fact]
    public async Task Should_rebuild_the_batch_on_the_new_target_blaming_no_one_when_someone_else_moved_it()
    {
        _gitlab.TargetMovesOnce = true;

        await AdmitAsync(Paused, 1, 2);
        await ConfigureAsync(Settings);

        await MergedAsync(1, 2);
        var finished = Harness.PublishedSoFar<MergeBatchFinished>().Select(x => x.Context.Message.Result).ToList();
        Assert.Equal(["target_moved", "merged"], finished);
        Assert.False(Harness.PublishedSoFar<MrStruck>().Any());
    }

    [Fact]
    public async Task Should_take_a_conflicting_merge_request_out_and_land_the_others()
    {
        _gitlab.Conflicting.Add(2);

        await AdmitAsync(Paused, 1, 2, 3);
        await ConfigureAsync(Settings);

        await MergedAsync(1, 3);
        var rejected = await Harness.PublishedAsync<MrRejected>(m => m.MergeRequestIid == 2);
        Assert.Equal(MrRejectedReasons.Conflict, rejected.Reason);
        Assert.Equal("rejected", (await HistoryAsync()).Items.Single(item => item.MergeRequestIid == 2).Outcome);
    }

    [Fact]
    public async Task Should_put_a_higher_priority_first_and_stack_the_next_batch_on_the_one_ahead()
    {
        await AdmitAsync(Paused, 1, 2, 3);
        await Harness.Bus.Publish(Admitted(4, Paused) with { Priority = 10 });
        await Harness.PublishedAsync<MrQueued>(m => m.MergeRequestIid == 4);

        await ConfigureAsync(Settings with { BatchSize = 2, MaxParallelBatches = 2 });

        await MergedAsync(1, 2, 3, 4);
        var started = Harness.PublishedSoFar<MergeBatchStarted>().Select(x => x.Context.Message).OrderBy(m => m.Number).ToList();
        Assert.Equal(
            [
                [4L, 1L],
                [2L, 3L],
            ],
            started.Select(m => m.MergeRequestIids.ToArray())
        );
        Assert.Equal(Target, started[0].BaseRef);
        Assert.Equal(ScriptedGitLab.HeadOf(started[0].Number), started[1].BaseRef);
    }

    [Fact]
    public async Task Should_show_the_queue_in_landing_order_and_forget_a_removed_merge_request()
    {
        await AdmitAsync(Paused, 1, 2);
        await Harness.Bus.Publish(Admitted(3, Paused) with { Priority = 5 });
        await Harness.PublishedAsync<MrQueued>(m => m.MergeRequestIid == 3);
        await Harness.Bus.Publish(
            new MrRemovalRequested
            {
                ProjectId = Project,
                TargetBranch = Target,
                MergeRequestIid = 1,
                RequestedBy = "root",
            }
        );

        var view = await EventuallyViewAsync(v => v.Entries.Count == 2);

        Assert.True(view.Paused);
        Assert.Equal([3L, 2L], view.Entries.Select(entry => entry.MergeRequestIid));
        Assert.All(view.Entries, entry => Assert.Equal("queued", entry.State));
        Assert.Equal(("removed", "removed by root"), ((await HistoryAsync()).Items[0].Outcome, (await HistoryAsync()).Items[0].Reason));
    }

    private static MergeQueueConfig Settings => MergeQueueConfig.Default with { BatchSize = 5, MaxParallelBatches = 2, MaxStrikes = 3 };

    private static MergeQueueConfig Paused => Settings with { Paused = true };

    private async Task AdmitAsync(MergeQueueConfig config, params long[] iids)
    {
        foreach (var iid in iids)
        {
            await Harness.Bus.Publish(Admitted(iid, config));
            await Harness.PublishedAsync<MrQueued>(m => m.MergeRequestIid == iid);
        }
    }

    private static MrAdmitted Admitted(long iid, MergeQueueConfig config) =>
        new()
        {
            ProjectId = Project,
            TargetBranch = Target,
            MergeRequestIid = iid,
            HeadSha = $"sha-{iid}",
            Title = $"Change {iid}",
            WebUrl = $"http://gitlab.test/demo/-/merge_requests/{iid}",
            Config = config,
            AdmittedAt = DateTimeOffset.UnixEpoch.AddMinutes(iid),
        };

    private Task ConfigureAsync(MergeQueueConfig config) =>
        Harness.Bus.Publish(
            new MergeQueueSettingsChanged
            {
                ProjectId = Project,
                TargetBranch = Target,
                Config = config,
            }
        );

    private async Task MergedAsync(params long[] iids)
    {
        foreach (var iid in iids)
        {
            await Harness.PublishedAsync<MrMerged>(m => m.MergeRequestIid == iid);
        }
    }

    private async Task<MergeQueueView> ViewAsync()
    {
        var client = Harness.GetRequestClient<MergeQueueViewQuery>();
        return (await client.GetResponse<MergeQueueView>(new MergeQueueViewQuery(Project, Target))).Message;
    }

    private async Task<MergeQueueView> EventuallyViewAsync(Func<MergeQueueView, bool> condition)
    {
        MergeQueueView view = null!;
        Assert.True(
            await GitLabBus.Tests.TestSupport.Gateway.GitLabDelivery.EventuallyAsync(
                async () => condition(view = await ViewAsync()),
                TimeSpan.FromSeconds(30)
            )
        );
        return view;
    }

    private async Task<MergeQueueHistory> HistoryAsync()
    {
        var client = Harness.GetRequestClient<MergeQueueHistoryQuery>();
        return (await client.GetResponse<MergeQueueHistory>(new MergeQueueHistoryQuery(Project, Target, 50))).Message;
    }

    /// <summary>
    /// A GitLab in miniature: a batch's tree is what it was built on plus what it took; merge requests in <see cref="Conflicting"/>
    /// cannot be taken; its pipeline fails when the tree holds one in <see cref="Bad"/>; landing puts the tree on the target.
    /// </summary>
    public sealed class ScriptedGitLab
    {
        private readonly ConcurrentDictionary<string, long[]> _trees = new() { [Target] = [] };

        public ConcurrentBag<long> Bad { get; } = [];
        public ConcurrentBag<long> Conflicting { get; } = [];
        public bool TargetMovesOnce { get; set; }
        public ConcurrentQueue<long> Landed { get; } = new();

        public static string HeadOf(long number) => $"batch-head-{number}";

        public MergeBatchBuilt Build(MergeBatchBuildRequested request)
        {
            var taken = request.Candidates.Where(candidate => !Conflicting.Contains(candidate.Iid)).Select(c => c.Iid).ToArray();
            var baseTree = request.BaseSha == Target ? [.. Landed] : _trees.GetValueOrDefault(request.BaseSha, []);
            _trees[HeadOf(request.Number)] = [.. baseTree.Concat(taken).Distinct()];
            return new MergeBatchBuilt
            {
                BatchId = request.BatchId,
                Branch = MergeQueueCorrelation.BatchBranch(request.TargetBranch, request.Number),
                HeadSha = HeadOf(request.Number),
                MergeRequestIid = taken.Length == 0 ? null : 1000 + request.Number,
                Included = taken,
                Excluded =
                [
                    .. request
                        .Candidates.Where(candidate => Conflicting.Contains(candidate.Iid))
                        .Select(candidate => new BatchExclusion(
                            candidate.Iid,
                            BatchExclusionReason.Conflict,
                            "conflict in src/checkout.py"
                        )),
                ],
                PipelineId = taken.Length == 0 ? null : 500 + request.Number,
                PipelineUrl = $"http://gitlab.test/demo/-/pipelines/{500 + request.Number}",
                BuiltAt = DateTimeOffset.UnixEpoch.AddHours(1),
            };
        }

        public bool Passes(string head) => !_trees[head].Any(Bad.Contains);

        public MergeBatchLanded Land(MergeBatchLandRequested request)
        {
            if (TargetMovesOnce)
            {
                TargetMovesOnce = false;
                return new MergeBatchLanded { BatchId = request.BatchId, Outcome = LandingOutcome.TargetMoved };
            }

            var landed = _trees[request.HeadSha].Except(Landed).ToList();
            foreach (var iid in landed)
            {
                Landed.Enqueue(iid);
            }

            return new MergeBatchLanded
            {
                BatchId = request.BatchId,
                Outcome = LandingOutcome.Landed,
                TargetSha = request.HeadSha,
                Merged = request.Included,
            };
        }
    }

    public sealed class ScriptedBatchSteps(ScriptedGitLab gitlab)
        : IConsumer<MergeBatchBuildRequested>,
            IConsumer<MergeBatchTesting>,
            IConsumer<MergeBatchLandRequested>,
            IConsumer<MergeBatchCleanUpRequested>
    {
        public Task Consume(ConsumeContext<MergeBatchBuildRequested> context) => context.Publish(gitlab.Build(context.Message));

        // The pipeline ends once the batch saga follows it.
        public Task Consume(ConsumeContext<MergeBatchTesting> context)
        {
            var testing = context.Message;
            if (testing.PipelineId is not { } pipeline)
            {
                return Task.CompletedTask;
            }

            var passes = gitlab.Passes(testing.HeadSha);
            return context.Publish(
                new PipelineFinished
                {
                    ProjectId = Project,
                    PipelineId = pipeline,
                    Status = passes ? "success" : "failed",
                    Ref = MergeQueueCorrelation.BatchBranch(Target, testing.Number),
                    Sha = testing.HeadSha,
                    FinishedAt = DateTimeOffset.UnixEpoch.AddHours(2),
                    Jobs = [new PipelineJobSummary(pipeline * 10, "test", "test", passes ? "success" : "failed", false)],
                }
            );
        }

        public Task Consume(ConsumeContext<MergeBatchLandRequested> context) => context.Publish(gitlab.Land(context.Message));

        public Task Consume(ConsumeContext<MergeBatchCleanUpRequested> context) =>
            context.Publish(new MergeBatchCleanedUp { BatchId = context.Message.BatchId, At = DateTimeOffset.UnixEpoch.AddHours(3) });
    }
}

using GitLabBus.Contracts;
using GitLabBus.Sagas;
using GitLabBus.Sagas.Inspection;
using GitLabBus.Sagas.Pipelines;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using GitLabBus.Tests.TestSupport.Sagas;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Sagas.Pipelines;

/// <summary>The pipeline monitor on the embedded bus, with polls answered from a script instead of GitLab.</summary>
public sealed class When_a_pipeline_is_monitored : IAsyncLifetime
{
    private const long Project = 7;
    private readonly ScriptedPolls _polls = new();
    private EmbeddedHarness _embedded = null!;

    private ITestHarness Harness => _embedded.Harness;

    private ISagaStateMachineTestHarness<PipelineMonitorStateMachine, PipelineMonitorState> Monitors =>
        Harness.GetSagaStateMachineHarness<PipelineMonitorStateMachine, PipelineMonitorState>();

    public async Task InitializeAsync() => _embedded = await StartAsync(maxWaitSeconds: 60);

    public async Task DisposeAsync() => await _embedded.DisposeAsync();

    [Theory]
    [InlineData("webhooks")]
    [InlineData("polls")]
    [InlineData("mixed")]
    public async Task Should_reach_the_same_final_state_from_webhooks_polls_or_both(string source)
    {
        const long pipeline = 42;
        await Harness.Bus.Publish(Created(pipeline));
        if (source is "webhooks" or "mixed")
        {
            await Harness.Bus.Publish(Job(pipeline, 1, "build", "running"));
            await Harness.Bus.Publish(Hook(pipeline, "running", ("build", "running"), ("test", "created")));
        }

        if (source == "webhooks")
        {
            await Harness.Bus.Publish(Job(pipeline, 1, "build", "success"));
            await Harness.Bus.Publish(Job(pipeline, 2, "test", "success"));
            await Harness.Bus.Publish(Hook(pipeline, "success", ("build", "success"), ("test", "success")));
        }

        _polls.Script(
            Polled(pipeline, source == "webhooks" ? "success" : "running", ("build", "running"), ("test", "created")),
            Polled(pipeline, "success", ("build", "success"), ("test", "success"))
        );

        var monitor = await FinishedAsync(pipeline);

        Assert.Equal("success", monitor.Outcome);
        Assert.Equal(["build:success", "test:success"], monitor.Jobs.OrderBy(job => job.Id).Select(job => $"{job.Name}:{job.Status}"));
        Assert.Equal("main", monitor.Ref);
        Assert.Equal("op-42", monitor.OperationId);
        Assert.True(
            await Harness.Published.Any<PipelineFinished>(x =>
                x.Context.Message.PipelineId == pipeline && x.Context.Message.Status == "success"
            )
        );
    }

    [Fact]
    public async Task Should_never_move_back_from_a_final_status_nor_announce_the_end_twice()
    {
        const long pipeline = 43;
        _polls.Script(Polled(pipeline, "failed", ("build", "success"), ("test", "failed")));
        await Harness.Bus.Publish(Hook(pipeline, "failed", ("build", "success"), ("test", "failed")));
        await Harness.Bus.Publish(Hook(pipeline, "running", ("build", "running"), ("test", "running")));
        await Harness.Bus.Publish(Job(pipeline, 2, "test", "running"));
        await FinishedAsync(pipeline);

        var late = Hook(pipeline, "failed", ("build", "success"), ("test", "failed"));
        await Harness.Bus.Publish(late);
        Assert.True(await Harness.Consumed.Any<PipelineStatusChanged>(x => x.Context.Message.DeliveryId == late.DeliveryId));

        var monitor = Monitors.Sagas.Contains(PipelineCorrelation.For(Project, pipeline))!;
        Assert.Equal("failed", monitor.Outcome);
        Assert.Equal("failed", monitor.Status);
        Assert.Equal(["build:success", "test:failed"], monitor.Jobs.OrderBy(job => job.Id).Select(job => $"{job.Name}:{job.Status}"));
        Assert.Single(Harness.PublishedSoFar<PipelineFinished>(), x => x.Context.Message.PipelineId == pipeline);
    }

    [Fact]
    public async Task Should_finish_a_parent_only_after_its_downstream_pipeline()
    {
        const long parent = 44;
        const long child = 45;
        _polls.Script(
            Polled(parent, "success", ("build", "success")) with
            {
                Downstream = [new DownstreamPipeline(Project, child, "running", "trigger-child")],
            }
        );
        _polls.Script(Polled(child, "running", ("unit", "running")), Polled(child, "success", ("unit", "success")));
        await Harness.Bus.Publish(Created(parent));
        await Harness.Bus.Publish(Hook(parent, "success", ("build", "success")));

        var waiting = await Monitors.Exists(PipelineCorrelation.For(Project, parent), machine => machine.WaitingForDownstream);
        Assert.True(
            await Harness.Published.Any<PipelineMonitoringRequested>(x =>
                x.Context.Message.PipelineId == child && x.Context.Message.UpstreamPipelineId == parent
            )
        );
        await Harness.Bus.Publish(
            Hook(child, "success", ("unit", "success")) with
            {
                UpstreamProjectId = Project,
                UpstreamPipelineId = parent,
            }
        );
        var finished = await FinishedAsync(parent);

        Assert.NotNull(waiting);
        Assert.Equal("success", Assert.Single(finished.Downstream).Status);
        Assert.True(
            await Harness.Published.Any<PipelineFinished>(x =>
                x.Context.Message.PipelineId == child && x.Context.Message.UpstreamPipelineId == parent
            )
        );

        // The parent's replay asks for its child's monitor again on the private bus: only the parent's own entries count.
        var replay = await _embedded
            .Services.GetRequiredService<SagaInspector>()
            .ReplayJournalledAsync(PipelineMonitorStateMachine.SagaName, PipelineCorrelation.For(Project, parent), "Finished");
        Assert.True(replay.EndStateMatches, string.Join("; ", replay.Differences));
    }

    [Fact]
    public async Task Should_end_as_deleted_when_gitlab_no_longer_has_the_pipeline()
    {
        const long pipeline = 46;
        _polls.Script(
            new PipelinePolled
            {
                ProjectId = Project,
                PipelineId = pipeline,
                Found = false,
            }
        );

        await Harness.Bus.Publish(new PipelineMonitoringRequested { ProjectId = Project, PipelineId = pipeline });

        Assert.Equal("deleted", (await FinishedAsync(pipeline)).Outcome);
    }

    [Fact]
    public async Task Should_follow_a_retried_pipeline_again_until_its_new_end()
    {
        const long pipeline = 47;
        _polls.Script(Polled(pipeline, "failed", ("test", "failed")));
        await Harness.Bus.Publish(Hook(pipeline, "failed", ("test", "failed")));
        await FinishedAsync(pipeline);

        _polls.Script(Polled(pipeline, "running", ("test", "failed")), Polled(pipeline, "success", ("test", "failed")));
        await Harness.Bus.Publish(
            new PipelineMonitoringRequested
            {
                ProjectId = Project,
                PipelineId = pipeline,
                Reason = "retried",
            }
        );
        Assert.NotNull(await Monitors.Exists(PipelineCorrelation.For(Project, pipeline), machine => machine.Monitoring));
        var monitor = await FinishedAsync(pipeline);

        Assert.Equal("success", monitor.Outcome);
        // The in-memory instance shows Finished before the activity's publish of PipelineFinished has been recorded.
        Assert.True(
            await GitLabDelivery.EventuallyAsync(() => Task.FromResult(FinishedPublished(pipeline) == 2), TimeSpan.FromSeconds(30)),
            $"PipelineFinished published {FinishedPublished(pipeline)} times"
        );
    }

    [Fact]
    public async Task Should_replay_its_journal_to_the_state_it_is_in()
    {
        const long pipeline = 48;
        _polls.Script(Polled(pipeline, "success", ("build", "success")));
        await Harness.Bus.Publish(Created(pipeline));
        await Harness.Bus.Publish(Job(pipeline, 1, "build", "success"));
        await Harness.Bus.Publish(Hook(pipeline, "success", ("build", "success")));
        await FinishedAsync(pipeline);

        var replay = await _embedded
            .Services.GetRequiredService<SagaInspector>()
            .ReplayJournalledAsync(PipelineMonitorStateMachine.SagaName, PipelineCorrelation.For(Project, pipeline), "Finished");

        Assert.True(replay.EndStateMatches, string.Join("; ", replay.Differences));
    }

    [Fact]
    public async Task Should_end_as_timed_out_when_the_pipeline_outlasts_the_maximum_wait()
    {
        await using var impatient = await StartAsync(maxWaitSeconds: 1);
        const long pipeline = 49;
        _polls.Script(Polled(pipeline, "running", ("build", "running")));

        await impatient.Harness.Bus.Publish(Created(pipeline));
        var monitors = impatient.Harness.GetSagaStateMachineHarness<PipelineMonitorStateMachine, PipelineMonitorState>();
        Assert.NotNull(await monitors.Exists(PipelineCorrelation.For(Project, pipeline), machine => machine.Finished));

        Assert.Equal("timed_out", monitors.Sagas.Contains(PipelineCorrelation.For(Project, pipeline))!.Outcome);
        Assert.True(_polls.Asked >= 1);
    }

    private Task<EmbeddedHarness> StartAsync(int maxWaitSeconds) =>
        EmbeddedHarness.StartAsync(
            (services, settings) =>
            {
                services.AddSingleton(_polls);
                var sagas = services.AddSagasRole(settings);
                return bus =>
                {
                    sagas(bus);
                    bus.AddConsumer<ScriptedPollConsumer>();
                };
            },
            new Dictionary<string, string?>
            {
                ["PIPELINE_POLL_INTERVAL_SECONDS"] = "0.1",
                ["PIPELINE_POLL_MAX_INTERVAL_SECONDS"] = "0.4",
                ["PIPELINE_MAX_WAIT_SECONDS"] = maxWaitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }
        );

    private int FinishedPublished(long pipeline) =>
        Harness.PublishedSoFar<PipelineFinished>().Count(x => x.Context.Message.PipelineId == pipeline);

    private async Task<PipelineMonitorState> FinishedAsync(long pipeline)
    {
        var id = PipelineCorrelation.For(Project, pipeline);
        Assert.NotNull(await Monitors.Exists(id, machine => machine.Finished));
        return Monitors.Sagas.Contains(id)!;
    }

    private static PipelineCreated Created(long pipeline) =>
        new()
        {
            OperationId = $"op-{pipeline}",
            ProjectId = Project,
            PipelineId = pipeline,
            Ref = "main",
            Sha = "abc123",
            Status = "created",
        };

    private static PipelineStatusChanged Hook(long pipeline, string status, params (string Name, string Status)[] jobs) =>
        new()
        {
            DeliveryId = NewId.NextGuid(),
            ProjectId = Project,
            PipelineId = pipeline,
            Status = status,
            Ref = "main",
            Sha = "abc123",
            Jobs = Summaries(jobs),
        };

    private static JobStatusChanged Job(long pipeline, long id, string name, string status) =>
        new()
        {
            DeliveryId = NewId.NextGuid(),
            ProjectId = Project,
            PipelineId = pipeline,
            JobId = id,
            Name = name,
            Stage = name,
            Status = status,
            Ref = "main",
            Sha = "abc123",
        };

    private static PipelinePolled Polled(long pipeline, string status, params (string Name, string Status)[] jobs) =>
        new()
        {
            ProjectId = Project,
            PipelineId = pipeline,
            Status = status,
            Ref = "main",
            Sha = "abc123",
            Jobs = Summaries(jobs),
        };

    /// <summary>Jobs numbered from 1 in the order given, each in a stage of its own name.</summary>
    private static PipelineJobSummary[] Summaries((string Name, string Status)[] jobs) =>
        [.. jobs.Select((job, index) => new PipelineJobSummary(index + 1, job.Name, job.Name, job.Status, false))];
}

using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;
using GitLabBus.Sagas;
using GitLabBus.Sagas.Backlog;
using GitLabBus.Sagas.Inspection;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Sagas;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Sagas.Backlog;

/// <summary>The backlog-apply saga on the embedded bus, with its steps answered from a script instead of GitLab.</summary>
public sealed class When_a_backlog_apply_is_orchestrated : IAsyncLifetime
{
    private readonly ScriptedSteps _steps = new();
    private EmbeddedHarness _embedded = null!;

    private ITestHarness Harness => _embedded.Harness;

    private ISagaStateMachineTestHarness<BacklogApplyStateMachine, BacklogApplyState> Applies =>
        Harness.GetSagaStateMachineHarness<BacklogApplyStateMachine, BacklogApplyState>();

    public async Task InitializeAsync() =>
        _embedded = await EmbeddedHarness.StartAsync(
            (services, settings) =>
            {
                services.AddSingleton(_steps);
                var sagas = services.AddSagasRole(settings);
                return bus =>
                {
                    sagas(bus);
                    bus.AddConsumer<ScriptedStepConsumer>();
                };
            },
            new Dictionary<string, string?> { ["REDELIVERY_INTERVALS_SECONDS"] = "none" }
        );

    public async Task DisposeAsync() => await _embedded.DisposeAsync();

    [Fact]
    public async Task Should_apply_the_epics_then_the_issues_with_the_ids_the_epics_got()
    {
        var request = Request(epics: 2, issues: 3) with { Issues = [Issue("new:1"), Issue("new:0"), Issue(null)] };

        await Harness.Bus.Publish(request);
        var applied = await AppliedAsync(request.OperationId);

        Assert.Equal(["epic", "issue"], _steps.Asked.Select(step => step.Scope));
        var issuesStep = _steps.Asked.Last();
        Assert.Equal(["100", "101"], issuesStep.EpicResults.Select(result => result.Id));
        Assert.Equal(["new:1", "new:0", null], issuesStep.Issues.Select(issue => issue.EpicId));
        Assert.Equal(["100", "101"], applied.Epics.Select(result => result.Id));
        Assert.Equal(["200", "201", "202"], applied.Issues.Select(result => result.Id));
        Assert.False(applied.Reused);
        Assert.NotNull(await Applies.Exists(Guid.Parse(request.OperationId), machine => machine.Finished));
    }

    [Fact]
    public async Task Should_gather_the_errors_and_warnings_of_both_steps()
    {
        _steps.Answer = step =>
            ScriptedSteps.Created(step) with
            {
                Results = ScriptedSteps.Created(step).Results.Skip(1).ToList(),
                Errors = [new BacklogItemError(step.Scope, 0, "refused", 422)],
                Warnings = [new BacklogItemWarning(step.Scope, 1, "label 'x' ignored")],
            };
        var request = Request(epics: 2, issues: 2);

        await Harness.Bus.Publish(request);
        var applied = await AppliedAsync(request.OperationId);

        Assert.Equal([("epic", 422), ("issue", 422)], applied.Errors.Select(error => (error.Scope, error.GitLabStatus ?? 0)));
        Assert.Equal(["epic", "issue"], applied.Warnings.Select(warning => warning.Scope));
        Assert.Equal([1], applied.Epics.Select(result => result.InputIndex));
        Assert.Equal([1], applied.Issues.Select(result => result.InputIndex));
    }

    [Fact]
    public async Task Should_answer_an_earlier_applys_results_without_asking_for_the_issues()
    {
        var earlier = new BacklogApplied
        {
            OperationId = "earlier",
            Epics = [new BacklogItemResult(0, "created", "7", "http://gitlab/epics/7")],
        };
        _steps.Answer = step => new BacklogItemsApplied
        {
            OperationId = step.OperationId,
            Scope = step.Scope,
            Earlier = earlier,
        };
        var request = Request(epics: 1, issues: 1);

        await Harness.Bus.Publish(request);
        var applied = await AppliedAsync(request.OperationId);

        Assert.True(applied.Reused);
        Assert.Equal(request.OperationId, applied.OperationId);
        Assert.Equal(earlier.Epics, applied.Epics);
        Assert.Equal(["epic"], _steps.Asked.Select(step => step.Scope));
    }

    [Fact]
    public async Task Should_fail_with_the_steps_reason_when_a_step_cannot_run()
    {
        _steps.Answer = step => new BacklogItemsApplied
        {
            OperationId = step.OperationId,
            Scope = step.Scope,
            Failure = new BacklogApplyFailure("not_found", "404 Project Not Found", 404),
        };
        var request = Request(epics: 1, issues: 1);

        await Harness.Bus.Publish(request);
        var failed = await FailedAsync(request.OperationId);

        Assert.Equal(("not_found", 404), (failed.Code, failed.GitLabStatus));
        Assert.Equal(request.PromptId, failed.PromptId);
        Assert.Equal(["epic"], _steps.Asked.Select(step => step.Scope));
        Assert.False(await Harness.Published.Any<BacklogApplied>(x => x.Context.Message.OperationId == request.OperationId));
    }

    [Fact]
    public async Task Should_fail_as_gitlab_unavailable_when_a_step_is_given_up()
    {
        _steps.Answer = step =>
            step.Scope == "issue" ? throw new InvalidMessageException("GitLab kept failing") : ScriptedSteps.Created(step);
        var request = Request(epics: 1, issues: 1);

        await Harness.Bus.Publish(request);
        var failed = await FailedAsync(request.OperationId);

        Assert.Equal("gitlab_unavailable", failed.Code);
        Assert.Contains("GitLab kept failing", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_ask_again_when_the_request_comes_again_and_answer_again_once_finished()
    {
        _steps.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var request = Request(epics: 1, issues: 1);

        await Harness.Bus.Publish(request);
        Assert.NotNull(await Applies.Exists(Guid.Parse(request.OperationId), machine => machine.ApplyingEpics));
        await Harness.Bus.Publish(request);
        Assert.True(
            await GitLabBus.Tests.TestSupport.Gateway.GitLabDelivery.EventuallyAsync(() => Task.FromResult(_steps.Asked.Count == 2))
        );
        _steps.Hold.SetResult();
        await AppliedAsync(request.OperationId);
        await Harness.Bus.Publish(request);

        Assert.True(
            await GitLabBus.Tests.TestSupport.Gateway.GitLabDelivery.EventuallyAsync(() =>
                Task.FromResult(
                    Harness.PublishedSoFar<BacklogApplied>().Where(x => x.Context.Message.OperationId == request.OperationId).Count() >= 2
                )
            )
        );
        Assert.Equal(["epic", "epic"], _steps.Asked.Select(step => step.Scope).Where(scope => scope == "epic"));
        Assert.Contains(_steps.Asked, step => step.Scope == "issue");
    }

    [Fact]
    public async Task Should_ignore_a_repeated_epics_step_that_gave_up_once_the_issues_run()
    {
        (_steps.Hold, _steps.HeldScope) = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), "issue");
        var request = Request(epics: 1, issues: 1);
        await Harness.Bus.Publish(request);
        Assert.NotNull(await Applies.Exists(Guid.Parse(request.OperationId), machine => machine.ApplyingIssues));

        await Harness.Bus.Publish<Fault<BacklogItemsApplyRequested>>(
            new
            {
                Message = _steps.Asked.First(step => step.Scope == "epic"),
                Exceptions = new[] { new { ExceptionType = typeof(TimeoutException).FullName, Message = "a late duplicate gave up" } },
            }
        );
        Assert.True(await Harness.Consumed.Any<Fault<BacklogItemsApplyRequested>>());
        _steps.Hold.SetResult();
        var applied = await AppliedAsync(request.OperationId);

        Assert.Single(applied.Issues);
        Assert.False(await Harness.Published.Any<BacklogApplyFailed>(x => x.Context.Message.OperationId == request.OperationId));
    }

    [Fact]
    public async Task Should_carry_a_dry_run_through_both_steps()
    {
        var request = Request(epics: 1, issues: 1) with { DryRun = true };

        await Harness.Bus.Publish(request);
        var applied = await AppliedAsync(request.OperationId);

        Assert.True(applied.DryRun);
        Assert.All(_steps.Asked, step => Assert.True(step.DryRun));
    }

    [Fact]
    public async Task Should_refuse_an_invalid_request_with_the_reason_before_the_saga_sees_it()
    {
        var request = Request(epics: 1, issues: 0) with { Epics = [new BacklogEpicInput { Title = " " }] };

        await Harness.Bus.Publish(request);

        var consumed = await Harness
            .Consumed.SelectAsync<BacklogApplyRequested>(x => x.Context.Message.OperationId == request.OperationId)
            .FirstOrDefault();
        Assert.NotNull(consumed);
        var refused = Assert.IsType<InvalidMessageException>(consumed.Exception);
        Assert.Contains("epics[0].title is required", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_steps.Asked);
        Assert.Null(Applies.Sagas.Contains(Guid.Parse(request.OperationId)));
    }

    [Fact]
    public async Task Should_replay_to_the_same_end()
    {
        var request = Request(epics: 2, issues: 2) with { Issues = [Issue("new:1"), Issue(null)] };
        await Harness.Bus.Publish(request);
        await AppliedAsync(request.OperationId);

        var replay = await _embedded
            .Services.GetRequiredService<SagaInspector>()
            .ReplayJournalledAsync(BacklogApplyStateMachine.SagaName, Guid.Parse(request.OperationId), "Finished");

        Assert.True(replay.EndStateMatches, string.Join("; ", replay.Differences));
        Assert.Equal(
            ["Initial -> ApplyingEpics", "ApplyingEpics -> ApplyingIssues", "ApplyingIssues -> Finished"],
            replay.Transitions.Select(t => $"{t.StateBefore} -> {t.StateAfter}")
        );
    }

    private async Task<BacklogApplied> AppliedAsync(string operationId)
    {
        var applied = await Harness
            .Published.SelectAsync<BacklogApplied>(x => x.Context.Message.OperationId == operationId)
            .FirstOrDefault();
        Assert.NotNull(applied);
        return applied.Context.Message;
    }

    private async Task<BacklogApplyFailed> FailedAsync(string operationId)
    {
        var failed = await Harness
            .Published.SelectAsync<BacklogApplyFailed>(x => x.Context.Message.OperationId == operationId)
            .FirstOrDefault();
        Assert.NotNull(failed);
        return failed.Context.Message;
    }

    private static BacklogApplyRequested Request(int epics, int issues) =>
        new()
        {
            OperationId = Guid.NewGuid().ToString(),
            ProjectId = "1",
            PromptId = $"prompt-{Guid.NewGuid():N}",
            Epics = [.. Enumerable.Range(0, epics).Select(i => new BacklogEpicInput { Title = $"Epic {i}" })],
            Issues = [.. Enumerable.Range(0, issues).Select(_ => Issue(null))],
        };

    private static BacklogIssueInput Issue(string? epicId) => new() { Title = $"Issue {Guid.NewGuid():N}", EpicId = epicId };
}

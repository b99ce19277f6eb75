using GitLabBus.Consumers;
using GitLabBus.Consumers.Backlog;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Operations;
using GitLabBus.Tests.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Consumers.Backlog;

/// <summary>The gateway's apply-backlog, admitted by the consumers that keep the prompts' ledger: once per prompt.</summary>
public sealed class When_an_apply_is_admitted : IAsyncLifetime
{
    private EmbeddedHarness _embedded = null!;

    private ITestHarness Harness => _embedded.Harness;

    private IBacklogApplyLedger Ledger => _embedded.Services.GetRequiredService<IBacklogApplyLedger>();

    public async Task InitializeAsync() =>
        _embedded = await EmbeddedHarness.StartAsync((services, settings) => services.AddConsumersRole(settings));

    public async Task DisposeAsync() => await _embedded.DisposeAsync();

    [Fact]
    public async Task Should_publish_a_new_prompt_as_its_own_operation_and_hold_the_prompt_for_it()
    {
        var apply = Apply("prompt-new");

        var answer = await AdmitAsync(apply);

        Assert.Equal(apply.OperationId, Assert.IsType<BacklogApplyAdmitted>(answer).OperationId);
        Assert.True(await Harness.Published.Any<BacklogApplyRequested>(m => m.Context.Message.OperationId == apply.OperationId));
        var operation = OperationView.From(
            apply.OperationId,
            await _embedded.Services.GetRequiredService<IOperationProgress>().ReadAsync(apply.OperationId, CancellationToken.None)
        );
        Assert.Equal((OperationKinds.ApplyBacklog, "running"), (operation.Kind, operation.Status));
        var holder = await Ledger.ClaimAsync(
            new BacklogApplyKey("1", "prompt-new"),
            "someone-else",
            TimeSpan.FromMinutes(1),
            CancellationToken.None
        );
        Assert.Equal(apply.OperationId, holder.OperationId);
    }

    [Fact]
    public async Task Should_answer_the_running_operation_for_the_same_prompt_and_publish_nothing()
    {
        var first = Apply("prompt-running");
        var second = Apply("prompt-running");
        await AdmitAsync(first);

        var answer = await AdmitAsync(second);

        var held = Assert.IsType<BacklogApplyHeld>(answer);
        Assert.Equal((first.OperationId, null), (held.OperationId, held.Response));
        Assert.False(await Harness.Published.Any<BacklogApplyRequested>(m => m.Context.Message.OperationId == second.OperationId));
    }

    [Fact]
    public async Task Should_answer_a_finished_prompt_with_its_first_response()
    {
        var first = Apply("prompt-done");
        await AdmitAsync(first);
        await Ledger.CompleteAsync(new BacklogApplyKey("1", "prompt-done"), Applied(first), CancellationToken.None);

        var answer = await AdmitAsync(Apply("prompt-done"));

        var held = Assert.IsType<BacklogApplyHeld>(answer);
        Assert.Equal(first.OperationId, held.OperationId);
        Assert.Equal("https://gitlab.example/demo/shop/-/issues/7", Assert.Single(held.Response!.Results.Issues).WebUrl);
    }

    [Fact]
    public async Task Should_admit_every_dry_run_without_holding_the_prompt()
    {
        var first = Apply("prompt-dry") with { DryRun = true };
        var second = Apply("prompt-dry") with { DryRun = true };

        Assert.IsType<BacklogApplyAdmitted>(await AdmitAsync(first));
        Assert.IsType<BacklogApplyAdmitted>(await AdmitAsync(second));

        var holder = await Ledger.ClaimAsync(
            new BacklogApplyKey("1", "prompt-dry"),
            "real",
            TimeSpan.FromMinutes(1),
            CancellationToken.None
        );
        Assert.Equal("real", holder.OperationId);
    }

    [Fact]
    public void Should_name_the_busy_fault_the_saga_recognises() =>
        Assert.Equal("GitLabBus.Contracts.BacklogApplyBusyException", typeof(BacklogApplyBusyException).FullName);

    private async Task<object> AdmitAsync(BacklogApplyRequested apply)
    {
        var client = Harness.GetRequestClient<BacklogApplyAdmissionRequested>();
        var response = await client.GetResponse<BacklogApplyAdmitted, BacklogApplyHeld, RequestRefused>(
            new BacklogApplyAdmissionRequested { Apply = apply }
        );
        return response.Message;
    }

    private static BacklogApplyRequested Apply(string promptId) =>
        new()
        {
            OperationId = NewId.NextGuid().ToString(),
            ProjectId = "1",
            PromptId = promptId,
            Epics = [],
            Issues = [new BacklogIssueInput { Title = "Rotate the service keys" }],
        };

    private static BacklogApplied Applied(BacklogApplyRequested apply) =>
        new()
        {
            OperationId = apply.OperationId,
            ProjectId = apply.ProjectId,
            PromptId = apply.PromptId,
            Epics = [],
            Issues = [new BacklogItemResult(0, "created", "7", "https://gitlab.example/demo/shop/-/issues/7")],
            Errors = [],
            Warnings = [],
        };
}

using GitLabBus.Contracts;
using GitLabBus.Runtime.Operations;
using MassTransit;

namespace GitLabBus.Consumers.Backlog;

/// <summary>
/// Records how an apply ended: the answer under its prompt (so the same prompt answers it again for
/// <c>IDEMPOTENCY_TTL_SECONDS</c>) and as its operation's result; a failure lets the prompt go, so it can be applied
/// again, and fails the operation with its code. Both are safe to receive twice.
/// </summary>
public sealed class BacklogApplyOutcomeConsumer(
    IBacklogApplyLedger ledger,
    IOperationProgress progress,
    ILogger<BacklogApplyOutcomeConsumer> logger
) : IConsumer<BacklogApplied>, IConsumer<BacklogApplyFailed>
{
    public async Task Consume(ConsumeContext<BacklogApplied> context)
    {
        var applied = context.Message;
        var cancellationToken = context.CancellationToken;
        if (!applied.DryRun && !applied.Reused)
        {
            await ledger.CompleteAsync(new BacklogApplyKey(applied.ProjectId, applied.PromptId, applied.OrgId), applied, cancellationToken);
        }

        if (await IsOpenAsync(applied.OperationId, cancellationToken))
        {
            await progress.CompletedAsync(applied.OperationId, ApplyBacklogResponse.From(applied).ToJson(), cancellationToken);
        }
    }

    public async Task Consume(ConsumeContext<BacklogApplyFailed> context)
    {
        var failed = context.Message;
        var cancellationToken = context.CancellationToken;
        await ledger.ReleaseAsync(
            new BacklogApplyKey(failed.ProjectId, failed.PromptId, failed.OrgId),
            failed.OperationId,
            cancellationToken
        );
        if (await IsOpenAsync(failed.OperationId, cancellationToken))
        {
            await progress.FailedAsync(failed.OperationId, failed.Code, failed.Message, failed.GitLabStatus, cancellationToken);
        }

        logger.LogWarning(
            "Operation {OperationId}: backlog apply failed ({Code}, GitLab {GitLabStatus}): {Reason}",
            failed.OperationId,
            failed.Code,
            failed.GitLabStatus,
            failed.Message
        );
    }

    private async Task<bool> IsOpenAsync(string operationId, CancellationToken cancellationToken) =>
        OperationView.From(operationId, await progress.ReadAsync(operationId, cancellationToken)).Status is not ("completed" or "failed");
}

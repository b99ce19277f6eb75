using GitLabBus.Contracts;
using GitLabBus.Runtime.Operations;
using MassTransit;

namespace GitLabBus.Consumers.Backlog;

/// <summary>
/// Admits the gateway's applies, one prompt at a time: a prompt applied before answers its first response and nothing is
/// published; a prompt another operation is applying answers that operation; otherwise the apply is published. The
/// prompt is held only briefly until the broker confirmed the publish (a host dying in between frees it soon), then for
/// <c>IDEMPOTENCY_TTL_SECONDS</c>; a publish the broker refused lets it go. Dry runs claim nothing.
/// A redelivered request finds its own claim and publishes again: the saga takes a repeated request as the same apply.
/// </summary>
public sealed class BacklogApplyAdmissionConsumer(IBacklogApplyLedger ledger, OperationLauncher operations, BacklogApplySettings settings)
    : IConsumer<BacklogApplyAdmissionRequested>
{
    /// <summary>How long the prompt is held before the broker confirmed the publish.</summary>
    public static readonly TimeSpan PendingClaim = TimeSpan.FromMinutes(1);

    public async Task Consume(ConsumeContext<BacklogApplyAdmissionRequested> context)
    {
        var apply = context.Message.Apply;
        var cancellationToken = context.CancellationToken;
        var key = new BacklogApplyKey(apply.ProjectId, apply.PromptId, apply.OrgId);
        if (!apply.DryRun)
        {
            var claim = await ledger.ClaimAsync(key, apply.OperationId, PendingClaim, cancellationToken);
            if (claim.OperationId != apply.OperationId || claim.Response is not null)
            {
                await context.RespondAsync(
                    new BacklogApplyHeld(claim.OperationId, claim.Response is { } earlier ? ApplyBacklogResponse.From(earlier) : null)
                );
                return;
            }
        }

        if (
            !await operations.LaunchAsync(
                apply.OperationId,
                OperationKinds.ApplyBacklog,
                apply,
                new OperationOwner(ProjectNames.IdOf(apply.ProjectId), apply.OrgId),
                cancellationToken
            )
        )
        {
            await ledger.ReleaseAsync(key, apply.OperationId, CancellationToken.None);
            await context.RespondAsync(
                new RequestRefused(ErrorCodes.BusUnavailable, "the message bus did not accept the request; retry later", null)
            );
            return;
        }

        if (!apply.DryRun)
        {
            await ledger.ClaimAsync(key, apply.OperationId, settings.IdempotencyTtl, CancellationToken.None);
        }

        await context.RespondAsync(new BacklogApplyAdmitted(apply.OperationId));
    }
}

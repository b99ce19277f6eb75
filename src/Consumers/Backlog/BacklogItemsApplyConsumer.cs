using System.Globalization;
using System.Text.Json;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Consumers.Jobs;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.Runtime.Jobs;
using GitLabBus.Runtime.Operations;
using MassTransit;

namespace GitLabBus.Consumers.Backlog;

/// <summary>
/// Does the GitLab work of a backlog apply, one step at a time as the <c>backlog-apply</c> saga asks: the epics of the
/// project's nearest group with epics, then the project's issues (see <see cref="BacklogStep"/>), answering
/// <see cref="BacklogItemsApplied"/>. The epics step first claims the prompt: when another operation holds it, its
/// answer is returned and nothing is written (or, while it still runs, this message waits through retries).
/// A step that cannot run at all (project not found, token refused) answers with a failure; GitLab unreachable or
/// rate limiting after the client's own retries is thrown, so the step comes back later and resumes from its records.
/// A step holds a lease while it writes, so two deliveries of it never write at once.
/// </summary>
public sealed class BacklogItemsApplyConsumer(
    GitLabClients gitlab,
    IBacklogApplyLedger ledger,
    IJobLease leases,
    BacklogApplySettings settings,
    DuplicateWarnings duplicateWarnings,
    IOperationProgress progress,
    TimeProvider time,
    ILogger<BacklogItemsApplyConsumer> logger
) : IConsumer<BacklogItemsApplyRequested>
{
    public async Task Consume(ConsumeContext<BacklogItemsApplyRequested> context)
    {
        var step = context.Message;
        var cancellationToken = context.CancellationToken;
        var key = new BacklogApplyKey(step.ProjectId, step.PromptId, step.OrgId);
        if (step.Scope == BacklogApplyRules.EpicScope)
        {
            var starting = progress.EnsureStartedAsync(
                step.OperationId,
                OperationKinds.ApplyBacklog,
                cancellationToken,
                new OperationOwner(ProjectNames.IdOf(step.ProjectId), step.OrgId)
            );
            var earlierApply = step.DryRun ? Task.FromResult<BacklogApplied?>(null) : EarlierApplyAsync(key, step, cancellationToken);
            await Task.WhenAll(starting, earlierApply);
            if (await earlierApply is { } earlier)
            {
                await context.Publish(
                    new BacklogItemsApplied
                    {
                        OperationId = step.OperationId,
                        Scope = step.Scope,
                        Earlier = earlier,
                    },
                    cancellationToken
                );
                return;
            }
        }

        await using var lease = step.DryRun
            ? null
            : await StepLease.TryAcquireAsync(leases, settings.StepLease, time, key.LeaseName(step.Scope), cancellationToken)
                ?? throw new BacklogApplyBusyException(
                    $"the {step.Scope}s of this prompt are being applied by another delivery; this one waits for it"
                );
        BacklogItemsApplied outcome;
        try
        {
            outcome = await RunAsync(
                key,
                step,
                await gitlab.ForAsync(step.OrgId, step.CredentialRef, cancellationToken),
                cancellationToken
            );
        }
        catch (Exception failure) when (GitLabFailures.IsRefusal(failure))
        {
            var refusal = GitLabFailures.Refusal(failure, "GitLab refused the apply");
            outcome = Failed(step, new BacklogApplyFailure(refusal.Code, refusal.Message, refusal.GitLabStatus));
        }

        await context.Publish(outcome, cancellationToken);
    }

    private async Task<BacklogItemsApplied> RunAsync(
        BacklogApplyKey key,
        BacklogItemsApplyRequested step,
        GitLabClient client,
        CancellationToken cancellationToken
    )
    {
        var started = time.GetTimestamp();
        var project = await client.GetProjectAsync(step.ProjectId, cancellationToken);
        var epics = step.Scope == BacklogApplyRules.EpicScope;
        var inputs = epics ? step.Epics : (IReadOnlyList<BacklogEpicInput>)step.Issues;
        var epicsGroup =
            epics || step.Issues.Any(issue => issue.EpicId is not null && BacklogApplyRules.NewEpicIndex(issue.EpicId) is null)
                ? await BacklogSource.EpicsGroupAsync(client, project, cancellationToken)
                : null;

        IReadOnlyList<BacklogItemRecord> records;
        if (epics && epicsGroup is null)
        {
            records =
            [
                .. inputs.Select(
                    (_, index) =>
                        new BacklogItemRecord(
                            index,
                            null,
                            new BacklogItemError(
                                step.Scope,
                                index,
                                "no group above the project has epics (GitLab serves epics on paid tiers)",
                                403
                            ),
                            []
                        )
                ),
            ];
        }
        else
        {
            IBacklogSide side = epics ? new EpicSide(client, epicsGroup!.Value) : new IssueSide(client, project.Id);
            var run = new BacklogStep(
                side,
                ledger,
                key,
                step.Scope,
                step.DryRun,
                time,
                done => ReportAsync(step, done, inputs.Count, cancellationToken)
            );
            records = await run.RunAsync(
                inputs,
                index => epics ? (null, null) : EpicLink(step, step.Issues[index], epicsGroup is not null),
                await duplicateWarnings.ForAsync(new ScopedProject(step.OrgId, project.Id), inputs, cancellationToken),
                cancellationToken
            );
        }

        var outcome = new BacklogItemsApplied
        {
            OperationId = step.OperationId,
            Scope = step.Scope,
            Results = [.. records.Where(r => r.Result is not null).Select(r => r.Result!)],
            Errors = [.. records.Where(r => r.Error is not null).Select(r => r.Error!)],
            Warnings = [.. records.SelectMany(r => r.Warnings)],
        };
        logger.LogInformation(
            "Operation {OperationId}: {Scope}s of project {ProjectId} {Mode} in {ElapsedMs:0} ms: "
                + "{Created} created, {Updated} updated, {Unchanged} unchanged, {Refused} refused, {Warnings} warnings",
            step.OperationId,
            step.Scope,
            project.Id,
            step.DryRun ? "planned" : "applied",
            time.GetElapsedTime(started).TotalMilliseconds,
            outcome.Results.Count(r => r.Action == "created"),
            outcome.Results.Count(r => r.Action == "updated"),
            outcome.Results.Count(r => r.Action == "unchanged"),
            outcome.Errors.Count,
            outcome.Warnings.Count
        );
        return outcome;
    }

    /// <summary>Which epic an issue joins: an existing epic's id, or the id <c>new:&lt;n&gt;</c> got in the epics step.</summary>
    private static (long? EpicId, string? Warning) EpicLink(BacklogItemsApplyRequested step, BacklogIssueInput issue, bool groupHasEpics)
    {
        if (issue.EpicId is not { } epicId)
        {
            return (null, null);
        }

        if (BacklogApplyRules.NewEpicIndex(epicId) is not { } index)
        {
            return groupHasEpics
                ? (long.Parse(epicId, CultureInfo.InvariantCulture), null)
                : (null, "no group above the project has epics, so the issue is not linked to one");
        }

        var epic = step.EpicResults.FirstOrDefault(result => result.InputIndex == index);
        return epic is not null && long.TryParse(epic.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? (id, null)
            : epic?.Id == BacklogStep.Pending ? (null, null)
            : (null, $"epic {epicId} was not applied, so the issue is not linked to it");
    }

    /// <summary>
    /// The holder's answer when another operation applied (or applies) this prompt; null when this operation holds it.
    /// Waits through retries while the holder still runs.
    /// </summary>
    private async Task<BacklogApplied?> EarlierApplyAsync(
        BacklogApplyKey key,
        BacklogItemsApplyRequested step,
        CancellationToken cancellationToken
    )
    {
        var claim = await ledger.ClaimAsync(key, step.OperationId, settings.IdempotencyTtl, cancellationToken);
        if (claim.OperationId == step.OperationId)
        {
            return null;
        }

        if (claim.Response is { } earlier)
        {
            logger.LogInformation(
                "Operation {OperationId}: prompt already applied by operation {EarlierOperationId}; answering its result, writing nothing",
                step.OperationId,
                claim.OperationId
            );
            return earlier;
        }

        throw new BacklogApplyBusyException(
            $"the same prompt is being applied by operation {claim.OperationId}; this apply answers its result once it finishes"
        );
    }

    private Task ReportAsync(BacklogItemsApplyRequested step, int done, int total, CancellationToken cancellationToken) =>
        progress.AppendAsync(
            step.OperationId,
            OperationEventTypes.Progress,
            JsonSerializer.SerializeToElement(
                new
                {
                    step = step.Scope + "s",
                    done,
                    total,
                }
            ),
            cancellationToken
        );

    private static BacklogItemsApplied Failed(BacklogItemsApplyRequested step, BacklogApplyFailure failure) =>
        new()
        {
            OperationId = step.OperationId,
            Scope = step.Scope,
            Failure = failure,
        };
}

using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Consumers.Jobs;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Runtime.Jobs;
using GitLabBus.Runtime.Operations;
using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>
/// Admission (CONTRACT 7, the seed's validators): a merge request asking for the queue is checked against GitLab — open,
/// not a draft, approved as the project requires, threads resolved, its own latest pipeline passed, no conflict with its
/// target, a target with a queue, a project that merges with merge commits. Admitted: the Recognised label and
/// <see cref="MrAdmitted"/> for the queue. Not: the Not Ready label, one comment listing every reason (once per head) and
/// <see cref="MrNotAdmitted"/>; it asks again by itself once ready (hooks, the watcher).
/// </summary>
/// <remarks>
/// Labels are changed with add/remove, which GitLab applies idempotently, and the comment is looked for before it is
/// written, one admission of a merge request at a time: a redelivered or duplicated request writes nothing twice. A merge
/// request GitLab does not know is not admitted, with no write.
/// </remarks>
public sealed class MergeQueueAdmissionConsumer(
    GitLabClients gitlab,
    IMergeQueueConfigStore configs,
    IJobLease leases,
    MergeQueueSettings settings,
    IOperationProgress progress,
    TimeProvider time,
    ILogger<MergeQueueAdmissionConsumer> logger
) : IConsumer<MrReadyForBatch>
{
    public async Task Consume(ConsumeContext<MrReadyForBatch> context)
    {
        var request = context.Message;
        var cancellationToken = context.CancellationToken;
        // One admission of a merge request at a time: two at once would both find no comment and both write one.
        await using var lease = await StepLease.HoldAsync(
            leases,
            settings.StepLease,
            time,
            OrgScope.Name(request.OrgId, $"merge-queue-admission:{request.ProjectId}:{request.MergeRequestIid}"),
            cancellationToken
        );
        GitLabClient client;
        GitLabMergeRequest mr;
        try
        {
            client = await gitlab.ForAsync(request.OrgId, request.CredentialRef, cancellationToken);
            mr = await client.GetMergeRequestAsync(request.ProjectId, request.MergeRequestIid, false, cancellationToken);
        }
        catch (Exception missing)
            when (missing
                    is GitLabException { Kind: GitLabErrorKind.NotFound }
                        or CredentialUnavailableException { Code: ErrorCodes.NotFound }
            )
        {
            var unknown =
                missing is CredentialUnavailableException
                    ? missing.Message
                    : "GitLab knows no such merge request (or the token cannot see it)";
            await context.Publish(
                new MrNotAdmitted
                {
                    ProjectId = request.ProjectId,
                    OrgId = request.OrgId,
                    MergeRequestIid = request.MergeRequestIid,
                    Reasons = [unknown],
                    At = time.GetUtcNow(),
                },
                cancellationToken
            );
            await FailAsync(request, ErrorCodes.NotFound, $"merge request !{request.MergeRequestIid} was not found", cancellationToken);
            return;
        }

        var config = await configs.GetAsync(new ScopedProject(request.OrgId, request.ProjectId), cancellationToken);
        var reasons = await ReasonsAsync(client, request.ProjectId, mr, config, cancellationToken);
        if (reasons.Count == 0 && await StillClashesAsync(client, request, mr, cancellationToken))
        {
            logger.LogDebug("!{Iid} stays out: it clashed with its batch at {HeadSha} and has not moved since", mr.Iid, mr.Sha);
            return;
        }

        if (reasons.Count == 0)
        {
            await LabelAsync(
                client,
                request.ProjectId,
                mr,
                config.Labels.Recognised,
                [config.Labels.NotReady, config.Labels.Rejected],
                cancellationToken
            );
            await context.Publish(Admitted(request, mr, config), cancellationToken);
            if (request.OperationId is { } operation)
            {
                var admitted = new
                {
                    merge_request_iid = mr.Iid,
                    target_branch = mr.TargetBranch,
                    head_sha = mr.Sha,
                    admitted = true,
                };
                await progress.CompletedAsync(operation, admitted, cancellationToken);
            }

            logger.LogInformation("!{Iid} admitted to the {Target} queue at {HeadSha}", mr.Iid, mr.TargetBranch, mr.Sha);
            return;
        }

        await LabelAsync(client, request.ProjectId, mr, config.Labels.NotReady, [config.Labels.Recognised], cancellationToken);
        // One comment per head: an author who pushes a fix hears again only if something is still wrong.
        var us = await client.GetCurrentUserAsync(cancellationToken);
        await MergeQueueComments.WriteOnceAsync(
            client,
            request.ProjectId,
            mr.Iid,
            us,
            MergeQueueComments.NotReady(reasons, mr.Sha ?? ""),
            cancellationToken
        );
        await context.Publish(
            new MrNotAdmitted
            {
                ProjectId = request.ProjectId,
                OrgId = request.OrgId,
                MergeRequestIid = mr.Iid,
                TargetBranch = mr.TargetBranch,
                HeadSha = mr.Sha,
                Reasons = reasons,
                At = time.GetUtcNow(),
            },
            cancellationToken
        );
        await FailAsync(request, ErrorCodes.Conflict, $"not admitted: {string.Join("; ", reasons)}", cancellationToken);
        logger.LogInformation("!{Iid} not admitted: {Reasons}", mr.Iid, string.Join("; ", reasons));
    }

    /// <summary>
    /// A merge request taken out of its batch for a conflict was told to rebase. Until its head moves, the queue's own
    /// checks (a pipeline passing, an edit, the watcher) do not bring it back: GitLab sees no conflict with the target until
    /// the one it clashed with lands, so it would be admitted only to clash again. A person asking again is heard.
    /// </summary>
    private async Task<bool> StillClashesAsync(
        GitLabClient client,
        MrReadyForBatch request,
        GitLabMergeRequest mr,
        CancellationToken cancellationToken
    )
    {
        if (request.Source is not (MergeQueueSources.Queue or MergeQueueSources.Watcher) || mr.Sha is not { } head)
        {
            return false;
        }

        // The queue's own checks act with the service token, which wrote the conflict comment.
        var us = await gitlab.ServiceUserAsync(request.OrgId, cancellationToken);
        var clash = MergeQueueComments.Marker(MergeQueueComments.ConflictKind, head);
        return await OwnNotes.FindAsync(client, request.ProjectId, mr.Iid, us, clash, cancellationToken) is not null;
    }

    /// <summary>Every reason the merge request cannot be queued now, in words for its author.</summary>
    private static async Task<List<string>> ReasonsAsync(
        GitLabClient client,
        long projectId,
        GitLabMergeRequest mr,
        MergeQueueConfig config,
        CancellationToken cancellationToken
    )
    {
        if (mr.State != "opened")
        {
            return [$"it is {mr.State}"];
        }

        var reasons = new List<string>();
        if (!config.TargetBranches.Contains(mr.TargetBranch, StringComparer.Ordinal))
        {
            reasons.Add(
                $"its target branch `{mr.TargetBranch}` has no merge queue (queued targets: {string.Join(", ", config.TargetBranches)})"
            );
        }

        if (mr.Draft)
        {
            reasons.Add("it is a draft: mark it as ready");
        }

        if (mr.HasConflicts)
        {
            reasons.Add($"it conflicts with `{mr.TargetBranch}`: rebase it and resolve the conflicts");
        }

        if (mr.HeadPipeline is not { Status: "success" } pipeline || pipeline.Sha != mr.Sha)
        {
            reasons.Add(
                mr.HeadPipeline is { } latest
                    ? $"its latest pipeline is {latest.Status}, not success ({latest.WebUrl})"
                    : "it has no pipeline for its latest commit"
            );
        }

        var approvals = await client.GetApprovalsAsync(projectId, mr.Iid, cancellationToken);
        if (approvals.ApprovalsLeft > 0)
        {
            reasons.Add($"it needs {approvals.ApprovalsLeft} more approval{(approvals.ApprovalsLeft == 1 ? "" : "s")}");
        }

        var open = await OpenThreadsAsync(client, projectId, mr.Iid, cancellationToken);
        if (open > 0)
        {
            reasons.Add($"{open} thread{(open == 1 ? " is" : "s are")} not resolved");
        }

        var project = await client.GetProjectAsync(projectId, cancellationToken);
        if (project.MergeMethod is { } method && method != "merge")
        {
            reasons.Add($"the project merges with `{method}`; the merge queue lands batches with merge commits (merge method `merge`)");
        }

        return reasons;
    }

    private static async Task<int> OpenThreadsAsync(GitLabClient client, long projectId, long iid, CancellationToken cancellationToken)
    {
        var open = 0;
        await foreach (var discussion in client.ListDiscussionsAsync(projectId, iid, cancellationToken))
        {
            if (discussion.Notes.Any(note => note.Resolvable && !note.Resolved))
            {
                open++;
            }
        }

        return open;
    }

    private static async Task LabelAsync(
        GitLabClient client,
        long projectId,
        GitLabMergeRequest mr,
        string add,
        IReadOnlyList<string> remove,
        CancellationToken cancellationToken
    )
    {
        if (mr.Labels.Contains(add, StringComparer.Ordinal) && !remove.Any(label => mr.Labels.Contains(label, StringComparer.Ordinal)))
        {
            return;
        }

        await client.UpdateMergeRequestAsync(
            projectId,
            mr.Iid,
            new GitLabMergeRequestUpdate { AddLabels = add, RemoveLabels = string.Join(",", remove) },
            cancellationToken
        );
    }

    private async Task FailAsync(MrReadyForBatch request, string code, string message, CancellationToken cancellationToken)
    {
        if (request.OperationId is { } operation)
        {
            await progress.FailedAsync(operation, code, message, cancellationToken);
        }
    }

    private MrAdmitted Admitted(MrReadyForBatch request, GitLabMergeRequest mr, MergeQueueConfig config) =>
        new()
        {
            ProjectId = request.ProjectId,
            OrgId = request.OrgId,
            TargetBranch = mr.TargetBranch,
            MergeRequestIid = mr.Iid,
            HeadSha = mr.Sha ?? "",
            Title = mr.Title,
            WebUrl = mr.WebUrl,
            Priority = request.Priority,
            RequestedBy = request.RequestedBy,
            Source = request.Source,
            Config = config,
            AdmittedAt = time.GetUtcNow(),
        };
}

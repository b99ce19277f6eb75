using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Consumers.Jobs;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Runtime.Jobs;
using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>
/// What the queue's decisions mean on the merge request, in GitLab: a strike's comment naming the failed jobs; a rejection's
/// label and comment; a removal's labels taken off. Labels change by add/remove (idempotent in GitLab) and a comment is
/// looked for before it is written, one notice of a merge request at a time: a redelivery writes nothing twice.
/// </summary>
public sealed class MergeQueueNoticeConsumer(
    GitLabClients gitlab,
    IMergeQueueConfigStore configs,
    IJobLease leases,
    MergeQueueSettings settings,
    TimeProvider time,
    ILogger<MergeQueueNoticeConsumer> logger
) : IConsumer<MrStruck>, IConsumer<MrRejected>, IConsumer<MrRemovalRequested>
{
    public Task Consume(ConsumeContext<MrStruck> context) =>
        NoticeAsync(
            new ScopedProject(context.Message.OrgId, context.Message.ProjectId),
            context.Message.MergeRequestIid,
            async (client, us, _) =>
            {
                var comment = MergeQueueComments.Struck(context.Message);
                await MergeQueueComments.WriteOnceAsync(
                    client,
                    context.Message.ProjectId,
                    context.Message.MergeRequestIid,
                    us,
                    comment,
                    context.CancellationToken
                );
                logger.LogInformation(
                    "!{Iid} broke batch {BatchNumber} of {Target}: strike {Strikes} of {MaxStrikes}",
                    context.Message.MergeRequestIid,
                    context.Message.Evidence.Number,
                    context.Message.TargetBranch,
                    context.Message.Strikes,
                    context.Message.MaxStrikes
                );
            },
            context.CancellationToken
        );

    public Task Consume(ConsumeContext<MrRejected> context) =>
        NoticeAsync(
            new ScopedProject(context.Message.OrgId, context.Message.ProjectId),
            context.Message.MergeRequestIid,
            async (client, us, labels) =>
            {
                var rejected = context.Message;
                var label = rejected.Reason == MrRejectedReasons.Conflict ? labels.NotReady : labels.Rejected;
                await client.UpdateMergeRequestAsync(
                    rejected.ProjectId,
                    rejected.MergeRequestIid,
                    new GitLabMergeRequestUpdate { AddLabels = label, RemoveLabels = $"{labels.Recognised},{labels.Ready}" },
                    context.CancellationToken
                );
                await MergeQueueComments.WriteOnceAsync(
                    client,
                    rejected.ProjectId,
                    rejected.MergeRequestIid,
                    us,
                    MergeQueueComments.Rejected(rejected, labels),
                    context.CancellationToken
                );
                logger.LogInformation(
                    "!{Iid} left the {Target} queue, rejected ({Reason}): {Detail}",
                    rejected.MergeRequestIid,
                    rejected.TargetBranch,
                    rejected.Reason,
                    rejected.Detail
                );
            },
            context.CancellationToken
        );

    public Task Consume(ConsumeContext<MrRemovalRequested> context) =>
        NoticeAsync(
            new ScopedProject(context.Message.OrgId, context.Message.ProjectId),
            context.Message.MergeRequestIid,
            (client, _, labels) =>
                client.UpdateMergeRequestAsync(
                    context.Message.ProjectId,
                    context.Message.MergeRequestIid,
                    new GitLabMergeRequestUpdate { RemoveLabels = $"{labels.Recognised},{labels.Ready}" },
                    context.CancellationToken
                ),
            context.CancellationToken
        );

    private async Task NoticeAsync(
        ScopedProject project,
        long iid,
        Func<GitLabClient, GitLabUser, MergeQueueLabels, Task> notice,
        CancellationToken cancellationToken
    )
    {
        await using var lease = await StepLease.HoldAsync(
            leases,
            settings.StepLease,
            time,
            OrgScope.Name(project.OrgId, $"merge-queue-notice:{project.Id}:{iid}"),
            cancellationToken
        );
        var client = await gitlab.ForAsync(project.OrgId, credentialRef: null, cancellationToken);
        var us = await client.GetCurrentUserAsync(cancellationToken);
        var config = await configs.GetAsync(project, cancellationToken);
        try
        {
            await notice(client, us, config.Labels);
        }
        catch (GitLabException gone) when (gone.Kind == GitLabErrorKind.NotFound)
        {
            logger.LogInformation("!{Iid} of project {Project} is gone; nothing to tell it", iid, project);
        }
    }
}

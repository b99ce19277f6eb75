using System.Globalization;
using System.Text.RegularExpressions;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Consumers.Jobs;
using GitLabBus.Consumers.Webhooks;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Runtime.Jobs;
using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>
/// Two ways into the merge queue from GitLab's events (CONTRACT 7): the Ready label added to a merge request, and a
/// <c>/merge</c> note (<c>/merge priority=N</c>) by someone with at least Developer access — a priority above 0 needs
/// Maintainer. Each becomes <see cref="MrReadyForBatch"/>; admission does the rest. The service's own notes are never taken
/// as commands; a refused command is answered once, naming why, and a taken one gets an <c>eyes</c> award. A merge request
/// labelled Not Ready asks again by itself when someone else changes it or a pipeline of its branch passes. An organisation's
/// hooks (<see cref="OrgWebhookReceived"/>) do the same for its merge requests at its GitLab, where the service is the user of
/// its token.
/// </summary>
public sealed partial class MergeQueueEntryConsumer(
    GitLabClients gitlab,
    IMergeQueueConfigStore configs,
    IJobLease leases,
    MergeQueueSettings settings,
    TimeProvider time,
    ILogger<MergeQueueEntryConsumer> logger
) : IConsumer<MergeRequestChanged>, IConsumer<NoteAdded>, IConsumer<PipelineStatusChanged>, IConsumer<OrgWebhookReceived>
{
    public const string Command = "merge";

    public Task Consume(ConsumeContext<MergeRequestChanged> context) => EnterAsync(context, context.Message, orgId: null);

    // An organisation's pipeline hooks come typed too, with its id (the router), since the pipeline monitor follows them.
    public Task Consume(ConsumeContext<PipelineStatusChanged> context) => EnterAsync(context, context.Message, context.Message.OrgId);

    public Task Consume(ConsumeContext<NoteAdded> context) => EnterAsync(context, context.Message, orgId: null);

    public Task Consume(ConsumeContext<OrgWebhookReceived> context) =>
        WebhookRouter.RouteForOrganisation(context.Message, WebhookKind.MergeRequest, WebhookKind.Note) switch
        {
            MergeRequestChanged change => EnterAsync(context, change, context.Message.OrgId),
            NoteAdded note => EnterAsync(context, note, context.Message.OrgId),
            _ => Task.CompletedTask,
        };

    private async Task EnterAsync(ConsumeContext context, MergeRequestChanged change, string? orgId)
    {
        if (change.State != "opened")
        {
            return;
        }

        var config = await configs.GetAsync(new ScopedProject(orgId, change.ProjectId), context.CancellationToken);
        var asked = change.AddedLabels.Contains(config.Labels.Ready, StringComparer.Ordinal);
        // Not Ready waits for a change that may make it ready; the change that put the label on it does not count.
        var changed =
            change.Labels.Contains(config.Labels.NotReady, StringComparer.Ordinal)
            && !change.AddedLabels.Contains(config.Labels.NotReady, StringComparer.Ordinal);
        if (!asked && !changed)
        {
            return;
        }

        // The queue's own label and comment edits (Not Ready after a conflict, Recognised taken off) change nothing that
        // could make the merge request ready: asking again on them re-admitted a merge request the queue had just
        // rejected, before the one it clashed with had landed.
        if (!asked && change.ActorId is { } actor && actor == (await gitlab.ServiceUserAsync(orgId, context.CancellationToken)).Id)
        {
            return;
        }

        await context.Publish(
            new MrReadyForBatch
            {
                ProjectId = change.ProjectId,
                OrgId = orgId,
                MergeRequestIid = change.MergeRequestIid,
                RequestedBy = change.AuthorUsername,
                Source = asked ? MergeQueueSources.Label : MergeQueueSources.Queue,
            },
            context.CancellationToken
        );
    }

    /// <summary>A passing pipeline may make a merge request waiting as Not Ready ready: it asks again.</summary>
    private async Task EnterAsync(ConsumeContext context, PipelineStatusChanged pipeline, string? orgId)
    {
        if (
            pipeline is not { Status: "success", Tag: false }
            || MergeQueueCorrelation.BatchOf(pipeline.ProjectId, pipeline.Ref, orgId) is not null
        )
        {
            return;
        }

        var config = await configs.GetAsync(new ScopedProject(orgId, pipeline.ProjectId), context.CancellationToken);
        var client = await gitlab.ForAsync(orgId, credentialRef: null, context.CancellationToken);
        var waiting = new WorkItemFilter
        {
            State = "opened",
            SourceBranch = pipeline.Ref,
            Labels = [config.Labels.NotReady],
        };
        await foreach (var mr in client.ListMergeRequestsAsync(pipeline.ProjectId, waiting, context.CancellationToken))
        {
            await context.Publish(
                new MrReadyForBatch
                {
                    ProjectId = pipeline.ProjectId,
                    OrgId = orgId,
                    MergeRequestIid = mr.Iid,
                    Source = MergeQueueSources.Queue,
                },
                context.CancellationToken
            );
        }
    }

    private async Task EnterAsync(ConsumeContext context, NoteAdded note, string? orgId)
    {
        if (note is not { NoteableType: "MergeRequest", System: false, MergeRequestIid: { } iid, Command.Name: Command })
        {
            return;
        }

        var cancellationToken = context.CancellationToken;
        var client = await gitlab.ForAsync(orgId, credentialRef: null, cancellationToken);
        var us = await client.GetCurrentUserAsync(cancellationToken);
        if (note.AuthorId == us.Id || note.AuthorUsername == us.Username)
        {
            return;
        }

        var priority = Priority(note.Command!.Arguments);
        var access = note.AuthorId is { } author ? (await client.FindMemberAsync(note.ProjectId, author, cancellationToken))?.Level : null;
        var refusal =
            access is null or < GitLabAccessLevel.Developer ? "it needs at least Developer access to this project"
            : priority is null ? $"`priority=` takes a whole number from 0 to {MrReadyForBatchRules.MaxPriority}"
            : priority > 0 && access < GitLabAccessLevel.Maintainer ? "a priority above 0 needs Maintainer access"
            : null;
        if (refusal is not null)
        {
            // Two deliveries of one note must not both find no answer and both write one.
            await using (
                await StepLease.HoldAsync(
                    leases,
                    settings.StepLease,
                    time,
                    OrgScope.Name(orgId, $"merge-queue-command:{note.ProjectId}:{note.NoteId}"),
                    cancellationToken
                )
            )
            {
                var answer = MergeQueueComments.CommandRefused(note.AuthorUsername, refusal, note.NoteId);
                await MergeQueueComments.WriteOnceAsync(client, note.ProjectId, iid, us, answer, cancellationToken);
            }

            logger.LogInformation("/merge on !{Iid} by {Author} refused: {Reason}", iid, note.AuthorUsername, refusal);
            return;
        }

        await context.Publish(
            new MrReadyForBatch
            {
                ProjectId = note.ProjectId,
                OrgId = orgId,
                MergeRequestIid = iid,
                Priority = priority!.Value,
                RequestedBy = note.AuthorUsername,
                Source = MergeQueueSources.Note,
            },
            cancellationToken
        );
        await AcknowledgeAsync(client, note, iid, cancellationToken);
    }

    /// <summary>0 without <c>priority=</c>; null when it is there but not a number in range.</summary>
    private static int? Priority(string arguments)
    {
        if (PriorityArgument().Match(arguments) is not { Success: true } match)
        {
            return arguments.Contains("priority", StringComparison.OrdinalIgnoreCase) ? null : 0;
        }

        return int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var value) && value <= MrReadyForBatchRules.MaxPriority
            ? value
            : null;
    }

    [GeneratedRegex(@"(?:^|\s)priority=(\d{1,9})(?:\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex PriorityArgument();

    // The author sees the command was picked up; GitLab refuses the same award twice (404), which a redelivery meets.
    private static async Task AcknowledgeAsync(GitLabClient client, NoteAdded note, long iid, CancellationToken cancellationToken)
    {
        try
        {
            await client.AwardNoteAsync(note.ProjectId, iid, note.NoteId, "eyes", cancellationToken);
        }
        catch (GitLabException given) when (given.Kind is GitLabErrorKind.NotFound or GitLabErrorKind.Validation)
        {
            // Awarded already.
        }
    }
}

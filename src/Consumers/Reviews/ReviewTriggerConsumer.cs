using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Consumers.Webhooks;
using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Consumers.Reviews;

/// <summary>
/// GitLab's events that ask for a review (CONTRACT 8): a merge request opened, reopened, given new commits or taken out of
/// draft, and a note that starts with <c>/review</c>, <c>/describe</c>, <c>/ask</c>, <c>/help</c> (or the seed's
/// <c>/copilot review</c>). The service's own notes and changes never count: its comments quote the commands, and its
/// merge requests are the merge queue's batches. An organisation's hooks (<see cref="OrgWebhookReceived"/>) ask for reviews
/// of its merge requests at its GitLab, where "the service" is the user of the organisation's token.
/// </summary>
public sealed class ReviewTriggerConsumer(GitLabClients gitlab)
    : IConsumer<MergeRequestChanged>,
        IConsumer<NoteAdded>,
        IConsumer<OrgWebhookReceived>
{
    public Task Consume(ConsumeContext<MergeRequestChanged> context) => AskAsync(context, context.Message, orgId: null);

    public Task Consume(ConsumeContext<NoteAdded> context) => AskAsync(context, context.Message, orgId: null);

    public Task Consume(ConsumeContext<OrgWebhookReceived> context) =>
        WebhookRouter.RouteForOrganisation(context.Message, WebhookKind.MergeRequest, WebhookKind.Note) switch
        {
            MergeRequestChanged change => AskAsync(context, change, context.Message.OrgId),
            NoteAdded note => AskAsync(context, note, context.Message.OrgId),
            _ => Task.CompletedTask,
        };

    private async Task AskAsync(ConsumeContext context, MergeRequestChanged change, string? orgId)
    {
        var asks =
            change.State == "opened"
            && (change.Action is "open" or "reopen" || change.Action == "update" && (change.OldRev is not null || change.BecameReady));
        if (!asks)
        {
            return;
        }

        // What the service does itself (the merge queue's batch and step merge requests) asks for no review.
        var us = await gitlab.ServiceUserAsync(orgId, context.CancellationToken);
        if (change.ActorId == us.Id || change.AuthorUsername == us.Username)
        {
            return;
        }

        await context.Publish(
            new ReviewRequested
            {
                OrgId = orgId,
                ProjectId = change.ProjectId,
                MergeRequestIid = change.MergeRequestIid,
                HeadSha = change.LastCommitSha,
                Source = ReviewSources.Hook,
                RequestedBy = change.AuthorUsername,
            },
            context.CancellationToken
        );
    }

    private async Task AskAsync(ConsumeContext context, NoteAdded note, string? orgId)
    {
        if (note is not { NoteableType: "MergeRequest", System: false, MergeRequestIid: { } iid, Command: { } command })
        {
            return;
        }

        if (Asked(command, note.ProjectId, iid, note.NoteId, note.AuthorUsername, ReviewSources.Note) is not { } request)
        {
            return;
        }

        var us = await gitlab.ServiceUserAsync(orgId, context.CancellationToken);
        if (note.AuthorId == us.Id || note.AuthorUsername == us.Username)
        {
            return;
        }

        await context.Publish(request with { DiscussionId = note.DiscussionId, OrgId = orgId }, context.CancellationToken);
    }

    /// <summary>The review a command note asks for (again, even for a head already reviewed), or null when it asks for none.</summary>
    public static ReviewRequested? Asked(SlashCommand command, long projectId, long iid, long noteId, string? author, string source) =>
        Parse(command) is { } asked
            ? new ReviewRequested
            {
                ProjectId = projectId,
                MergeRequestIid = iid,
                Command = asked.Command,
                Question = asked.Question,
                NoteId = noteId,
                Again = true,
                Source = source,
                RequestedBy = author,
            }
            : null;

    /// <summary>
    /// The command a slash command asks for, or null when it is not a review command (or an <c>/ask</c> without a question).
    /// </summary>
    public static (string Command, string? Question)? Parse(SlashCommand command)
    {
        var arguments = command.Arguments.Trim();
        return command.Name switch
        {
            "review" => (ReviewCommands.Review, null),
            "describe" => (ReviewCommands.Describe, null),
            "help" => (ReviewCommands.Help, null),
            "ask" when arguments.Length > 0 => (ReviewCommands.Ask, Cut(arguments)),
            "copilot" => arguments.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries) switch
            {
                ["review", ..] => (ReviewCommands.Review, null),
                ["describe", ..] => (ReviewCommands.Describe, null),
                ["help", ..] => (ReviewCommands.Help, null),
                ["ask", var question] => (ReviewCommands.Ask, Cut(question.Trim())),
                _ => null,
            },
            _ => null,
        };
    }

    private static string Cut(string question) =>
        question.Length > ReviewRequestedRules.MaxQuestionLength ? question[..ReviewRequestedRules.MaxQuestionLength] : question;
}

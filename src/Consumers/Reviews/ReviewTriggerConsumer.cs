using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Consumers.Reviews;

/// <summary>
/// GitLab's events that ask for a review (CONTRACT 8): a merge request opened, reopened, given new commits or taken out of
/// draft, and a note that starts with <c>/review</c>, <c>/describe</c>, <c>/ask</c>, <c>/help</c> (or the seed's
/// <c>/copilot review</c>). The service's own notes and changes never count: its comments quote the commands, and its
/// merge requests are the merge queue's batches.
/// </summary>
public sealed class ReviewTriggerConsumer(GitLabClients gitlab) : IConsumer<MergeRequestChanged>, IConsumer<NoteAdded>
{
    public async Task Consume(ConsumeContext<MergeRequestChanged> context)
    {
        var change = context.Message;
        var asks =
            change.State == "opened"
            && (change.Action is "open" or "reopen" || change.Action == "update" && (change.OldRev is not null || change.BecameReady));
        if (!asks)
        {
            return;
        }

        // What the service does itself (the merge queue's batch and step merge requests) asks for no review.
        var us = await gitlab.ServiceUserAsync(context.CancellationToken);
        if (change.ActorId == us.Id || change.AuthorUsername == us.Username)
        {
            return;
        }

        await context.Publish(
            new ReviewRequested
            {
                ProjectId = change.ProjectId,
                MergeRequestIid = change.MergeRequestIid,
                HeadSha = change.LastCommitSha,
                Source = ReviewSources.Hook,
                RequestedBy = change.AuthorUsername,
            },
            context.CancellationToken
        );
    }

    public async Task Consume(ConsumeContext<NoteAdded> context)
    {
        var note = context.Message;
        if (note is not { NoteableType: "MergeRequest", System: false, MergeRequestIid: { } iid, Command: { } command })
        {
            return;
        }

        if (Asked(command, note.ProjectId, iid, note.NoteId, note.AuthorUsername, ReviewSources.Note) is not { } request)
        {
            return;
        }

        var us = await gitlab.ServiceUserAsync(context.CancellationToken);
        if (note.AuthorId == us.Id || note.AuthorUsername == us.Username)
        {
            return;
        }

        await context.Publish(request with { DiscussionId = note.DiscussionId }, context.CancellationToken);
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

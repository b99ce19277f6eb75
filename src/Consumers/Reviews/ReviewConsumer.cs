using System.Diagnostics;
using System.Text;
using System.Text.Json;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Consumers.Jobs;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Runtime.Jobs;
using GitLabBus.Runtime.Operations;
using MassTransit;

namespace GitLabBus.Consumers.Reviews;

/// <summary>
/// Does what a <see cref="ReviewRequested"/> asks (CONTRACT 8), one merge request at a time across replicas (its lease,
/// renewed while it works): the same request is done once (<see cref="IReviewStore"/>), a request about an older head than
/// the merge request's is dropped (the newer head has its own), and every GitLab write is found before it is made again.
/// A review reads the merge request, its latest diff, <c>.gitlabbus.yml</c> on the target and the discussions, then posts
/// the findings and the summary: five calls, plus one per new finding.
/// </summary>
public sealed class ReviewConsumer(
    GitLabClients gitlab,
    IReviewStore store,
    IJobLease leases,
    IOperationProgress progress,
    ReviewSettings settings,
    ReviewTelemetry telemetry,
    TimeProvider time,
    ILogger<ReviewConsumer> logger,
    LlmReviewer? model = null
) : IConsumer<ReviewRequested>
{
    public async Task Consume(ConsumeContext<ReviewRequested> context)
    {
        var request = context.Message;
        var cancellationToken = context.CancellationToken;
        var started = time.GetTimestamp();
        using var activity = ReviewTelemetry.Start(request);
        await using var lease = await StepLease.HoldAsync(
            leases,
            settings.Lease,
            time,
            OrgScope.Name(request.OrgId, $"review:{request.ProjectId}:{request.MergeRequestIid}"),
            cancellationToken
        );
        if (request.OperationId is { } operation)
        {
            await progress.EnsureStartedAsync(
                operation,
                OperationKinds.Review,
                cancellationToken,
                new OperationOwner(request.ProjectId, request.OrgId)
            );
        }

        GitLabClient client;
        GitLabMergeRequest mr;
        try
        {
            client = await gitlab.ForAsync(request.OrgId, credentialRef: null, cancellationToken);
            mr = await client.GetMergeRequestAsync(request.ProjectId, request.MergeRequestIid, false, cancellationToken);
        }
        catch (GitLabException missing) when (missing.Kind == GitLabErrorKind.NotFound)
        {
            await FailAsync(context, null, ErrorCodes.NotFound, $"merge request !{request.MergeRequestIid} was not found");
            return;
        }
        catch (CredentialUnavailableException unconfigured)
        {
            await FailAsync(context, null, unconfigured.Code, unconfigured.Message);
            return;
        }

        if (Dropped(request, mr) is { } reason)
        {
            logger.LogInformation(
                "Review of !{Iid} ({Command}, {Source}) not done: {Reason}",
                mr.Iid,
                request.Command,
                request.Source,
                reason
            );
            telemetry.Ended(settings.Provider, "skipped");
            await CompleteOperationAsync(request, new { skipped = reason }, cancellationToken);
            return;
        }

        var key = ReviewKey.Of(request, mr.Sha!);
        if (await store.IsDoneAsync(key, cancellationToken))
        {
            telemetry.Ended(settings.Provider, "skipped");
            await CompleteOperationAsync(request, new { skipped = "already done" }, cancellationToken);
            return;
        }

        var us = await gitlab.ServiceUserAsync(request.OrgId, cancellationToken);
        await AcknowledgeAsync(client, request, cancellationToken);
        if (request.Command is ReviewCommands.Help or ReviewCommands.Ask or ReviewCommands.Describe)
        {
            var unanswered = await AnswerAsync(client, us, mr, request, cancellationToken);
            await store.RecordAsync(key, null, cancellationToken);
            if (unanswered is not null)
            {
                await FailAsync(context, mr.Sha, ErrorCodes.ReviewUnavailable, unanswered);
                return;
            }

            telemetry.Ended(settings.Provider, "completed");
            await CompleteOperationAsync(request, new { answered = request.Command }, cancellationToken);
            return;
        }

        var review = await ReviewAsync(client, us, mr, request, cancellationToken);
        activity?.SetTag("review.findings", review.View.Findings.Count);
        // A model that failed does not undo what the rules posted: the request is done, and /review asks again.
        await store.RecordAsync(key, review.View, cancellationToken);
        if (review.ModelFailure is { } failure)
        {
            await FailAsync(context, review.View.HeadSha, ErrorCodes.ReviewUnavailable, failure);
            return;
        }

        var seconds = time.GetElapsedTime(started).TotalSeconds;
        telemetry.Completed(settings.Provider, seconds, review.View.Findings.Select(finding => finding.Severity));
        await context.Publish(
            new ReviewCompleted
            {
                OrgId = request.OrgId,
                ProjectId = mr.ProjectId,
                MergeRequestIid = mr.Iid,
                Command = request.Command,
                HeadSha = review.View.HeadSha,
                Provider = review.View.Provider,
                Findings = review.View.Findings.Count,
                Posted = review.Created,
                NoteId = review.View.NoteId,
                OperationId = request.OperationId,
                DurationSeconds = seconds,
            },
            cancellationToken
        );
        await CompleteOperationAsync(
            request,
            new
            {
                head_sha = review.View.HeadSha,
                findings = review.View.Findings.Count,
                note_id = review.View.NoteId,
            },
            cancellationToken
        );
        logger.LogInformation(
            "Reviewed !{Iid} of project {Project} at {HeadSha}: {Findings} findings, {Posted} new threads, {Skipped} files not read",
            mr.Iid,
            new ScopedProject(request.OrgId, mr.ProjectId),
            review.View.HeadSha,
            review.View.Findings.Count,
            review.Created,
            review.View.SkippedFiles.Count
        );
    }

    /// <summary>Why a request is not for now: the merge request is not open, moved past the head asked about, or is a draft
    /// and nobody asked by command.</summary>
    private static string? Dropped(ReviewRequested request, GitLabMergeRequest mr) =>
        mr.State != "opened" ? $"the merge request is {mr.State}"
        : string.IsNullOrEmpty(mr.Sha) ? "the merge request has no commits"
        : request.HeadSha is { } asked && !mr.Sha.StartsWith(asked, StringComparison.OrdinalIgnoreCase)
            ? $"its head moved from {asked} to {mr.Sha}: that head is reviewed instead"
        : mr.Draft && request.Source is ReviewSources.Hook or ReviewSources.Poller ? "drafts are reviewed on command only"
        : null;

    /// <summary>A review posted; <see cref="ModelFailure"/> says why the LLM reviewer did not take part, when it did not.</summary>
    private sealed record Review(ReviewView View, int Created, string? ModelFailure);

    private async Task<Review> ReviewAsync(
        GitLabClient client,
        GitLabUser us,
        GitLabMergeRequest mr,
        ReviewRequested request,
        CancellationToken cancellationToken
    )
    {
        var diffs = await DiffsAsync(client, mr, cancellationToken);
        var repository = ReviewRepositorySettings.Parse(await SettingsFileAsync(client, mr, cancellationToken));
        var (readable, skipped) = DiffBudget.Readable(diffs, repository);
        // A binary has nothing to read, and is still the large-or-binary rule's business.
        var binaries = skipped.Where(file => file.Reason == DiffBudget.BinaryReason).Select(file => file.Path).ToHashSet();
        var checkedFiles = diffs.Where(file => readable.Contains(file) || binaries.Contains(file.Path)).ToList();
        var findings = repository.Enabled ? RulesReviewer.Review(checkedFiles, repository.RulesOff) : [];
        var notes = new List<string>();
        if (repository.Problem is { } problem)
        {
            notes.Add(problem);
        }

        if (!repository.Enabled)
        {
            notes.Add($"Reviews are turned off for this project (`review.enabled: false` in {ReviewRepositorySettings.FileName}).");
        }

        await ReportAsync(
            request,
            new
            {
                step = "read",
                files = diffs.Count,
                skipped = skipped.Count,
            },
            cancellationToken
        );
        string? modelFailure = null;
        if (model is not null && repository.Enabled)
        {
            // The budget's skipped files are the unreadable ones above, then those that did not fit.
            var budget = new DiffBudget(settings.MaxDiffTokens).Select(diffs, repository);
            skipped = budget.Skipped;
            await ReportAsync(
                request,
                new
                {
                    step = "model",
                    reviewer = settings.Provider,
                    skipped = skipped.Count,
                },
                cancellationToken
            );
            using var asking = ReviewTelemetry.Step("model");
            try
            {
                var found = await model.ReviewAsync(mr, budget, repository.Instructions, cancellationToken);
                telemetry.Tokens(settings.Provider, found.Tokens);
                findings = [.. findings, .. found.Findings];
            }
            catch (ModelUnavailableException unavailable)
            {
                modelFailure = unavailable.Message;
                notes.Add(
                    $"The `{settings.Provider}` reviewer could not review this change: {unavailable.Message}. "
                        + "What the rules found is here all the same; comment `/review` to try again."
                );
            }
        }

        var projectUrl = ProjectUrlOf(mr);
        var headSha = mr.DiffRefs?.HeadSha ?? mr.Sha!;
        await ReportAsync(request, new { step = "post", findings = findings.Count }, cancellationToken);
        using var posting = ReviewTelemetry.Step("post");
        var posted = await new ReviewPoster(client, us).PostAsync(
            mr,
            checkedFiles,
            findings,
            views => ReviewComments.Summary(new ReviewSummary(headSha, settings.Provider, views, skipped, notes, projectUrl)),
            cancellationToken
        );
        var view = new ReviewView
        {
            ProjectId = mr.ProjectId,
            MergeRequestIid = mr.Iid,
            HeadSha = headSha,
            Provider = settings.Provider,
            ReviewedAt = time.GetUtcNow(),
            Summary = posted.Summary,
            Findings = posted.Findings,
            SkippedFiles = [.. skipped.Select(file => new ReviewSkippedFile(file.Path, file.Reason))],
            NoteId = posted.NoteId,
        };
        return new Review(view, posted.Created, modelFailure);
    }

    private static async Task<List<ChangedFile>> DiffsAsync(GitLabClient client, GitLabMergeRequest mr, CancellationToken cancellationToken)
    {
        var files = new List<ChangedFile>();
        await foreach (var diff in client.ListDiffsAsync(mr.ProjectId, mr.Iid, cancellationToken))
        {
            files.Add(ChangedFile.From(diff));
        }

        return files;
    }

    /// <summary>What an LLM reviewer reads of <paramref name="files"/>, by the project's settings and the token budget.</summary>
    private async Task<(BudgetedDiff Diff, ReviewRepositorySettings Repository)> ForModelAsync(
        GitLabClient client,
        GitLabMergeRequest mr,
        IReadOnlyList<ChangedFile> files,
        CancellationToken cancellationToken
    )
    {
        var repository = ReviewRepositorySettings.Parse(await SettingsFileAsync(client, mr, cancellationToken));
        return (new DiffBudget(settings.MaxDiffTokens).Select(files, repository), repository);
    }

    /// <summary><c>.gitlabbus.yml</c> on the target branch, or null when there is none.</summary>
    private static async Task<string?> SettingsFileAsync(GitLabClient client, GitLabMergeRequest mr, CancellationToken cancellationToken)
    {
        try
        {
            var raw = await client.GetRawFileAsync(mr.ProjectId, ReviewRepositorySettings.FileName, mr.TargetBranch, cancellationToken);
            return raw.Length > ReviewRepositorySettings.MaxFileBytes ? "review: {}" : Encoding.UTF8.GetString(raw);
        }
        catch (GitLabException missing) when (missing.Kind == GitLabErrorKind.NotFound)
        {
            return null;
        }
    }

    /// <summary>A command note gets an <c>eyes</c> award when it is picked up; GitLab refuses a second one, which is fine.</summary>
    private static async Task AcknowledgeAsync(GitLabClient client, ReviewRequested request, CancellationToken cancellationToken)
    {
        if (request is not { Source: ReviewSources.Note, NoteId: { } noteId })
        {
            return;
        }

        try
        {
            await client.AwardNoteAsync(request.ProjectId, request.MergeRequestIid, noteId, "eyes", cancellationToken);
        }
        catch (GitLabException taken) when (taken.Kind is GitLabErrorKind.Validation or GitLabErrorKind.NotFound)
        {
            // Awarded by an earlier attempt, or the note is gone: nothing to acknowledge.
        }
    }

    /// <summary>
    /// A command that is not a review: <c>/help</c> lists the commands, <c>/describe</c> writes the change's outline into
    /// the description between markers, <c>/ask</c> is answered by the LLM reviewer (the rules one says it needs one). An
    /// answer is a reply in the command's thread, found by its marker before it is written again. Returns why the model
    /// could not answer, when it could not (the reply says so too).
    /// </summary>
    private async Task<string?> AnswerAsync(
        GitLabClient client,
        GitLabUser us,
        GitLabMergeRequest mr,
        ReviewRequested request,
        CancellationToken cancellationToken
    )
    {
        if (request.Command == ReviewCommands.Describe)
        {
            var files = await DiffsAsync(client, mr, cancellationToken);
            string? summary = null;
            string? unwritten = null;
            if (model is not null)
            {
                var (budget, repository) = await ForModelAsync(client, mr, files, cancellationToken);
                using var asking = ReviewTelemetry.Step("model");
                try
                {
                    (summary, var tokens) = await model.DescribeAsync(mr, budget, repository.Instructions, cancellationToken);
                    telemetry.Tokens(settings.Provider, tokens);
                }
                catch (ModelUnavailableException unavailable)
                {
                    unwritten = unavailable.Message;
                }
            }

            var description = ReviewComments.WithOutline(mr.Description, files, mr.DiffRefs?.HeadSha ?? mr.Sha!, summary);
            if (description != mr.Description)
            {
                await client.UpdateMergeRequestAsync(
                    mr.ProjectId,
                    mr.Iid,
                    new GitLabMergeRequestUpdate { Description = description },
                    cancellationToken
                );
            }

            return unwritten;
        }

        var noteId = request.NoteId ?? 0;
        string? failure = null;
        string body;
        if (request.Command == ReviewCommands.Help)
        {
            body = ReviewComments.Help(noteId);
        }
        else if (model is null)
        {
            body = ReviewComments.AskNeedsModel(noteId, settings.Provider);
        }
        else
        {
            var (budget, repository) = await ForModelAsync(client, mr, await DiffsAsync(client, mr, cancellationToken), cancellationToken);
            using var asking = ReviewTelemetry.Step("model");
            try
            {
                var (answer, tokens) = await model.AskAsync(mr, budget, request.Question!, repository.Instructions, cancellationToken);
                telemetry.Tokens(settings.Provider, tokens);
                body = ReviewComments.Answer(noteId, answer);
            }
            catch (ModelUnavailableException unavailable)
            {
                failure = unavailable.Message;
                body = ReviewComments.AskFailed(noteId, unavailable.Message);
            }
        }

        await OwnNotes.WriteOnceAsync(
            client,
            mr.ProjectId,
            mr.Iid,
            us,
            ReviewComments.AnswerMarker(noteId),
            body,
            cancellationToken,
            request.DiscussionId
        );
        return failure;
    }

    private static string ProjectUrlOf(GitLabMergeRequest mr)
    {
        var at = mr.WebUrl?.IndexOf("/-/merge_requests/", StringComparison.Ordinal) ?? -1;
        return at < 0 ? "" : mr.WebUrl![..at];
    }

    /// <summary>A step of the review on its operation's stream: <c>read</c> (the diff), <c>model</c> (the LLM asked),
    /// <c>post</c> (the findings being written).</summary>
    private Task ReportAsync(ReviewRequested request, object step, CancellationToken cancellationToken) =>
        request.OperationId is { } operation
            ? progress.AppendAsync(operation, OperationEventTypes.Progress, JsonSerializer.SerializeToElement(step), cancellationToken)
            : Task.CompletedTask;

    private Task CompleteOperationAsync(ReviewRequested request, object result, CancellationToken cancellationToken) =>
        request.OperationId is { } operation ? progress.CompletedAsync(operation, result, cancellationToken) : Task.CompletedTask;

    private async Task FailAsync(ConsumeContext<ReviewRequested> context, string? headSha, string code, string message)
    {
        var request = context.Message;
        Activity.Current?.SetStatus(ActivityStatusCode.Error, code);
        telemetry.Ended(settings.Provider, "failed");
        await context.Publish(
            new ReviewFailed
            {
                OrgId = request.OrgId,
                ProjectId = request.ProjectId,
                MergeRequestIid = request.MergeRequestIid,
                Command = request.Command,
                HeadSha = headSha,
                Code = code,
                Message = message,
                OperationId = request.OperationId,
            },
            context.CancellationToken
        );
        if (request.OperationId is { } operation)
        {
            await progress.FailedAsync(operation, code, message, context.CancellationToken);
        }

        logger.LogInformation(
            "Review of !{Iid} of project {Project} failed ({Code}): {Message}",
            request.MergeRequestIid,
            new ScopedProject(request.OrgId, request.ProjectId),
            code,
            message
        );
    }
}

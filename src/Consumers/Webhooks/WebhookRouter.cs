using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;

namespace GitLabBus.Consumers.Webhooks;

/// <summary>
/// Turns a raw delivery into the typed event it stands for. Kind comes from the <c>X-Gitlab-Event</c> header
/// and falls back to the payload's <c>object_kind</c> (raw-JSON publishers may leave the header out).
/// Returns null for kinds nobody consumes yet; throws <see cref="InvalidMessageException"/> for a payload
/// that cannot be what it claims to be.
/// </summary>
public static class WebhookRouter
{
    public static object? Route(WebhookReceived webhook)
    {
        if (webhook.Payload.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            throw new InvalidMessageException($"delivery {webhook.DeliveryId}: payload must be a JSON object");
        }

        var payload = new GitLabPayload(webhook.Payload);
        return KindOf(webhook.EventName, payload.String("object_kind")) switch
        {
            WebhookKind.MergeRequest => MergeRequest(webhook.DeliveryId, payload),
            WebhookKind.Note => Note(webhook.DeliveryId, payload),
            WebhookKind.Pipeline => Pipeline(webhook.DeliveryId, payload) with { OrgId = webhook.OrgId },
            WebhookKind.Job => Job(webhook.DeliveryId, payload) with { OrgId = webhook.OrgId },
            WebhookKind.Issue => Issue(webhook.DeliveryId, payload),
            WebhookKind.Push => Push(webhook.DeliveryId, payload),
            _ => null,
        };
    }

    /// <summary>
    /// The typed event of an organisation's delivery when it is of one of <paramref name="kinds"/>, else null: for the
    /// capabilities that act on an organisation's hooks at its GitLab (<see cref="OrgWebhookReceived"/>). Only those kinds are
    /// read, so a broken hook of another kind is not theirs to refuse.
    /// </summary>
    /// <exception cref="InvalidMessageException">A payload of one of those kinds that cannot be what it claims to be.</exception>
    public static object? RouteForOrganisation(OrgWebhookReceived delivery, params WebhookKind[] kinds)
    {
        var payload = delivery.Payload;
        var objectKind =
            payload.ValueKind == System.Text.Json.JsonValueKind.Object && payload.TryGetProperty("object_kind", out var named)
                ? named.ToString()
                : null;
        return kinds.Contains(KindOf(delivery.EventName, objectKind))
            ? Route(
                new WebhookReceived
                {
                    DeliveryId = delivery.DeliveryId,
                    EventName = delivery.EventName,
                    Payload = payload,
                    OrgId = delivery.OrgId,
                }
            )
            : null;
    }

    public static WebhookKind KindOf(string? eventName, string? objectKind) =>
        eventName?.Trim() switch
        {
            "Merge Request Hook" => WebhookKind.MergeRequest,
            "Note Hook" or "Confidential Note Hook" => WebhookKind.Note,
            "Pipeline Hook" => WebhookKind.Pipeline,
            "Job Hook" => WebhookKind.Job,
            "Issue Hook" or "Confidential Issue Hook" => WebhookKind.Issue,
            "Push Hook" or "Tag Push Hook" => WebhookKind.Push,
            null or "" => objectKind switch
            {
                "merge_request" => WebhookKind.MergeRequest,
                "note" => WebhookKind.Note,
                "pipeline" => WebhookKind.Pipeline,
                "build" => WebhookKind.Job,
                "issue" or "work_item" => WebhookKind.Issue,
                "push" or "tag_push" => WebhookKind.Push,
                _ => WebhookKind.Unknown,
            },
            _ => WebhookKind.Unknown,
        };

    private static MergeRequestChanged MergeRequest(Guid deliveryId, GitLabPayload payload)
    {
        var mr = payload.Object("object_attributes") ?? throw Missing(deliveryId, "Merge Request Hook", "object_attributes");
        return new MergeRequestChanged
        {
            DeliveryId = deliveryId,
            ProjectId = ProjectId(deliveryId, payload, mr.Long("target_project_id")),
            MergeRequestId = mr.Long("id") ?? 0,
            MergeRequestIid = mr.Long("iid") ?? throw Missing(deliveryId, "Merge Request Hook", "object_attributes.iid"),
            Action = mr.String("action") ?? "",
            State = mr.String("state") ?? "",
            Title = mr.String("title") ?? "",
            SourceBranch = mr.String("source_branch") ?? "",
            TargetBranch = mr.String("target_branch") ?? "",
            LastCommitSha = mr.String("last_commit", "id"),
            DetailedMergeStatus = mr.String("detailed_merge_status"),
            Draft = mr.Bool("draft") || mr.Bool("work_in_progress"),
            OldRev = NullIfEmpty(mr.String("oldrev")),
            BecameReady =
                (payload.Bool("changes", "draft", "previous") && !payload.Bool("changes", "draft", "current"))
                || (payload.Bool("changes", "work_in_progress", "previous") && !payload.Bool("changes", "work_in_progress", "current")),
            Labels = mr.LabelTitles("labels") is { Count: > 0 } labels ? labels : payload.LabelTitles("labels"),
            AuthorUsername = payload.String("user", "username"),
            ActorId = payload.Long("user", "id"),
            AddedLabels =
            [
                .. payload.LabelTitles("changes", "labels", "current").Except(payload.LabelTitles("changes", "labels", "previous")),
            ],
            Url = mr.String("url"),
            UpdatedAt = mr.Timestamp("updated_at"),
        };
    }

    private static NoteAdded Note(Guid deliveryId, GitLabPayload payload)
    {
        var note = payload.Object("object_attributes") ?? throw Missing(deliveryId, "Note Hook", "object_attributes");
        var text = note.String("note") ?? "";
        return new NoteAdded
        {
            DeliveryId = deliveryId,
            ProjectId = ProjectId(deliveryId, payload, note.Long("project_id")),
            NoteId = note.Long("id") ?? throw Missing(deliveryId, "Note Hook", "object_attributes.id"),
            NoteableType = note.String("noteable_type") ?? "",
            Note = text,
            System = note.Bool("system"),
            AuthorUsername = payload.String("user", "username"),
            AuthorId = note.Long("author_id") ?? payload.Long("user", "id"),
            MergeRequestIid = payload.Long("merge_request", "iid"),
            DiscussionId = NullIfEmpty(note.String("discussion_id")),
            IssueIid = payload.Long("issue", "iid"),
            CommitSha = payload.String("commit", "id") ?? NullIfEmpty(note.String("commit_id")),
            Command = SlashCommandParser.Parse(text),
            Url = note.String("url"),
            CreatedAt = note.Timestamp("created_at"),
        };
    }

    private static PipelineStatusChanged Pipeline(Guid deliveryId, GitLabPayload payload)
    {
        var pipeline = payload.Object("object_attributes") ?? throw Missing(deliveryId, "Pipeline Hook", "object_attributes");
        return new PipelineStatusChanged
        {
            DeliveryId = deliveryId,
            ProjectId = ProjectId(deliveryId, payload, null),
            PipelineId = pipeline.Long("id") ?? throw Missing(deliveryId, "Pipeline Hook", "object_attributes.id"),
            PipelineIid = pipeline.Long("iid"),
            Status = pipeline.String("status") ?? throw Missing(deliveryId, "Pipeline Hook", "object_attributes.status"),
            Ref = pipeline.String("ref") ?? "",
            Sha = pipeline.String("sha") ?? "",
            Tag = pipeline.Bool("tag"),
            Source = pipeline.String("source"),
            Stages = pipeline.Strings("stages"),
            Jobs = payload
                .Array("builds")
                .Select(job => new PipelineJobSummary(
                    job.Long("id") ?? 0,
                    job.String("name") ?? "",
                    job.String("stage") ?? "",
                    job.String("status") ?? "",
                    job.Bool("allow_failure"),
                    job.Double("duration")
                ))
                .ToList(),
            MergeRequestIid = payload.Long("merge_request", "iid"),
            UpstreamProjectId = payload.Long("source_pipeline", "project", "id"),
            UpstreamPipelineId = payload.Long("source_pipeline", "pipeline_id"),
            CreatedAt = pipeline.Timestamp("created_at"),
            FinishedAt = pipeline.Timestamp("finished_at"),
            DurationSeconds = pipeline.Double("duration"),
            Url = pipeline.String("url"),
        };
    }

    private static JobStatusChanged Job(Guid deliveryId, GitLabPayload payload) =>
        new()
        {
            DeliveryId = deliveryId,
            ProjectId = ProjectId(deliveryId, payload, null),
            JobId = payload.Long("build_id") ?? throw Missing(deliveryId, "Job Hook", "build_id"),
            PipelineId = payload.Long("pipeline_id") ?? throw Missing(deliveryId, "Job Hook", "pipeline_id"),
            Name = payload.String("build_name") ?? "",
            Stage = payload.String("build_stage") ?? "",
            Status = payload.String("build_status") ?? throw Missing(deliveryId, "Job Hook", "build_status"),
            Ref = payload.String("ref") ?? "",
            Sha = payload.String("sha") ?? "",
            AllowFailure = payload.Bool("build_allow_failure"),
            FailureReason = payload.String("build_failure_reason"),
            RetriesCount = (int?)payload.Long("retries_count"),
            StartedAt = payload.Timestamp("build_started_at_iso") ?? payload.Timestamp("build_started_at"),
            FinishedAt = payload.Timestamp("build_finished_at_iso") ?? payload.Timestamp("build_finished_at"),
            DurationSeconds = payload.Double("build_duration"),
        };

    private static IssueChanged Issue(Guid deliveryId, GitLabPayload payload)
    {
        var issue = payload.Object("object_attributes") ?? throw Missing(deliveryId, "Issue Hook", "object_attributes");
        return new IssueChanged
        {
            DeliveryId = deliveryId,
            ProjectId = ProjectId(deliveryId, payload, issue.Long("project_id")),
            IssueId = issue.Long("id") ?? 0,
            IssueIid = issue.Long("iid") ?? throw Missing(deliveryId, "Issue Hook", "object_attributes.iid"),
            Kind = payload.String("object_kind") ?? "issue",
            Action = issue.String("action") ?? "",
            State = issue.String("state") ?? "",
            Title = issue.String("title") ?? "",
            Labels = issue.LabelTitles("labels") is { Count: > 0 } labels ? labels : payload.LabelTitles("labels"),
            Url = issue.String("url"),
            UpdatedAt = issue.Timestamp("updated_at"),
        };
    }

    private static PushReceived Push(Guid deliveryId, GitLabPayload payload) =>
        new()
        {
            DeliveryId = deliveryId,
            ProjectId = ProjectId(deliveryId, payload, null),
            Ref = payload.String("ref") ?? throw Missing(deliveryId, "Push Hook", "ref"),
            Before = payload.String("before") ?? "",
            After = payload.String("after") ?? "",
            CheckoutSha = payload.String("checkout_sha"),
            UserUsername = payload.String("user_username"),
            TotalCommitsCount = (int)(payload.Long("total_commits_count") ?? 0),
            CommitShas = payload.Array("commits").Select(c => c.String("id")).OfType<string>().ToList(),
        };

    /// <summary>The hook's project: <c>project.id</c> first (GitLab's doc examples disagree with the nested ids).</summary>
    private static long ProjectId(Guid deliveryId, GitLabPayload payload, long? nested) =>
        (payload.Long("project", "id") ?? payload.Long("project_id") ?? nested) switch
        {
            null => throw new InvalidMessageException($"delivery {deliveryId}: payload names no project (project.id or project_id)"),
            <= 0 => throw new InvalidMessageException($"delivery {deliveryId}: the payload's project id is not a GitLab project id"),
            var id => id.Value,
        };

    private static InvalidMessageException Missing(Guid deliveryId, string kind, string field) =>
        new($"delivery {deliveryId}: {kind} payload has no {field}");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

public enum WebhookKind
{
    Unknown,
    MergeRequest,
    Note,
    Pipeline,
    Job,
    Issue,
    Push,
}

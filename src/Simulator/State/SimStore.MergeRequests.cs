using System.Text.Json;
using GitLabBus.Simulator.Git;
using LibGit2Sharp;

namespace GitLabBus.Simulator.State;

/// <summary>Merge requests: mergeability from branches, asynchronous rebase, merge with a head check.</summary>
public sealed partial class SimStore
{
    public static readonly TimeSpan RebaseDuration = TimeSpan.FromSeconds(2);

    /// <summary>Each merge request's merge ref: the heads it was made from and the merge commit.</summary>
    public Dictionary<long, (string Source, string Target, string Sha)> MergeRefs { get; } = [];

    public SimMergeRequest OpenMergeRequest(
        SimProject project,
        string source,
        string target,
        string title,
        string? description,
        IEnumerable<string> labels,
        long authorId,
        IReadOnlyList<long>? assignees = null,
        IReadOnlyList<long>? reviewers = null
    )
    {
        var mr = new SimMergeRequest
        {
            Id = NewId(),
            Iid = project.NextMergeRequestIid++,
            ProjectId = project.Id,
            Title = title,
            Description = description,
            SourceBranch = source,
            TargetBranch = target,
            Labels = [.. labels],
            AuthorId = authorId,
            AssigneeIds = [.. assignees ?? []],
            ReviewerIds = [.. reviewers ?? []],
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        MergeRequests.Add(mr);
        AddVersion(project, mr);
        Emit(
            project.Id,
            "Merge Request Hook",
            "merge_request",
            SimPayloads.MergeRequest(this, project, mr, "open", actor: UserById(authorId))
        );
        var skipped = SkipsCi(HeadOf(project, project.Branches[source]).Message);
        CreatePipeline(project, source, "merge_request_event", null, mr.Iid, skipped);
        return mr;
    }

    public void AddVersion(SimProject project, SimMergeRequest mr)
    {
        var head = HeadOf(project, project.Branches[mr.SourceBranch]);
        var target = TargetHead(project, mr);
        mr.Versions.Insert(0, new SimVersion(NewId(), head.Sha, MergeBase(project, mr), target?.Sha ?? head.Sha, Now));
    }

    private static Commit? TargetHead(SimProject project, SimMergeRequest mr) =>
        project.Branches.TryGetValue(mr.TargetBranch, out var target) ? HeadOf(project, target) : null;

    private static Commit? SourceHead(SimProject project, SimMergeRequest mr) =>
        project.Branches.TryGetValue(mr.SourceBranch, out var source) ? HeadOf(project, source) : null;

    /// <summary>The best common ancestor of source and target (the source's head when the target is gone).</summary>
    public static string MergeBase(SimProject project, SimMergeRequest mr)
    {
        var source = HeadOf(project, project.Branches[mr.SourceBranch]);
        return TargetHead(project, mr) is { } target ? project.Repository.MergeBase(source, target)?.Sha ?? source.Sha : source.Sha;
    }

    /// <summary>
    /// The merge request's diff as GitLab shows it: from the merge base to the head of the latest version (or of the
    /// version named).
    /// </summary>
    public static IReadOnlyList<FileChange> Diff(SimProject project, SimVersion version) =>
        project.Repository.Find(version.BaseSha) is { } from && project.Repository.Find(version.HeadSha) is { } to
            ? project.Repository.Diff(from.Tree, to.Tree)
            : [];

    public static IReadOnlyList<FileChange> Diff(SimProject project, SimMergeRequest mr) =>
        mr.Versions.FirstOrDefault() is { } version ? Diff(project, version) : [];

    /// <summary>The source's commits the target has not got, newest first.</summary>
    public static IReadOnlyList<Commit> OwnCommits(SimProject project, SimMergeRequest mr) =>
        SourceHead(project, mr) is { } head ? [.. project.Repository.Log(head, TargetHead(project, mr))] : [];

    public static bool HasConflicts(SimProject project, SimMergeRequest mr) =>
        mr.State == "opened"
        && TargetHead(project, mr) is { } target
        && SourceHead(project, mr) is { } source
        && !project.Repository.CanMerge(target, source);

    public static bool IsBehind(SimProject project, SimMergeRequest mr) =>
        TargetHead(project, mr) is { } target && SourceHead(project, mr) is { } source && !project.Repository.Reaches(source, target);

    /// <summary>The merge request's latest pipeline: the newest one on its source branch.</summary>
    public SimPipeline? HeadPipeline(SimProject project, SimMergeRequest mr) =>
        Pipelines.LastOrDefault(p => p.ProjectId == project.Id && p.Ref == mr.SourceBranch);

    /// <summary>GitLab's <c>detailed_merge_status</c>.</summary>
    public string DetailedMergeStatus(SimProject project, SimMergeRequest mr) =>
        mr.State != "opened" ? "not_open"
        : mr.Draft ? "draft_status"
        : mr.RebaseDoneAt is not null ? "checking"
        : PipelineBlocks(project, mr) is { } waiting ? waiting
        : HasConflicts(project, mr) ? "conflict"
        : project.MergeMethod != "merge" && IsBehind(project, mr) ? "need_rebase"
        : "mergeable";

    /// <summary>
    /// With <c>only_allow_merge_if_pipeline_succeeds</c>: <c>ci_still_running</c> while the latest pipeline runs,
    /// <c>ci_must_pass</c> when it did not succeed (or there is none); null when the pipeline lets the merge through.
    /// </summary>
    private string? PipelineBlocks(SimProject project, SimMergeRequest mr)
    {
        if (!project.OnlyAllowMergeIfPipelineSucceeds)
        {
            return null;
        }

        return HeadPipeline(project, mr)?.Status switch
        {
            "success" => null,
            "skipped" when project.AllowMergeOnSkippedPipeline => null,
            "created" or "waiting_for_resource" or "preparing" or "pending" or "running" => "ci_still_running",
            _ => "ci_must_pass",
        };
    }

    public void StartRebase(SimMergeRequest mr, bool skipCi)
    {
        mr.RebaseDoneAt = Now + RebaseDuration;
        mr.RebaseSkipsCi = skipCi;
    }

    /// <summary>
    /// Finishes a rebase whose time has come: the source's own commits replayed onto the target's head (a conflict leaves
    /// <c>merge_error</c>), pushed as a developer's push would be, without a pipeline when asked with <c>skip_ci</c>.
    /// </summary>
    public void FinishRebase(SimProject project, SimMergeRequest mr)
    {
        mr.RebaseDoneAt = null;
        if (SourceHead(project, mr) is not { } head || TargetHead(project, mr) is not { } target)
        {
            return;
        }

        var rebased = project.Repository.Rebase(OwnCommits(project, mr).Reverse(), target, SignatureOf(UserById(mr.AuthorId)));
        if (rebased is null)
        {
            mr.MergeError = "Rebase failed: Rebase locally, resolve all conflicts, then push the branch.";
            return;
        }

        mr.MergeError = null;
        if (rebased.Id != head.Id && IsBehind(project, mr))
        {
            MoveBranch(project, project.Branches[mr.SourceBranch], rebased, UserById(mr.AuthorId), mr.RebaseSkipsCi);
        }
    }

    /// <summary>How a merge request lands: <c>squash</c> as asked (unless the project says always or never), messages if given.</summary>
    public sealed record MergeChoice(bool Squash, string? MergeCommitMessage = null, string? SquashCommitMessage = null);

    /// <summary>
    /// Merges per the project's <c>merge_method</c>: a merge commit (<c>merge</c>, <c>rebase_merge</c>) or a fast-forward
    /// (<c>ff</c>), a squash commit first when squashing; then the push to the target. False when the trees conflict.
    /// </summary>
    public bool Merge(SimProject project, SimMergeRequest mr, MergeChoice choice, SimUser actor)
    {
        var repository = project.Repository;
        var targetBranch = project.Branches[mr.TargetBranch];
        var target = HeadOf(project, targetBranch);
        var landing = HeadOf(project, project.Branches[mr.SourceBranch]);
        var squash = project.SquashOption switch
        {
            "always" => true,
            "never" => false,
            _ => choice.Squash,
        };
        if (squash)
        {
            var author = SignatureOf(UserById(mr.AuthorId));
            var parent = repository.Find(MergeBase(project, mr))!;
            landing = repository.CommitTree(landing.Tree, choice.SquashCommitMessage ?? mr.Title, author, SignatureOf(actor), [parent]);
            mr.SquashCommitSha = landing.Sha;
        }

        var head = landing;
        if (project.MergeMethod != "ff")
        {
            if (repository.MergedTree(target, landing) is not { } tree)
            {
                return false;
            }

            head = repository.CommitTree(
                tree,
                choice.MergeCommitMessage ?? MergeCommitMessage(project, mr),
                SignatureOf(actor),
                SignatureOf(actor),
                [target, landing]
            );
            mr.MergeCommitSha = head.Sha;
        }

        mr.State = "merged";
        mr.MergedAt = Now;
        mr.UpdatedAt = Now;
        MoveBranch(project, targetBranch, head, actor);
        Emit(project.Id, "Merge Request Hook", "merge_request", SimPayloads.MergeRequest(this, project, mr, "merge", actor: actor));
        return true;
    }

    /// <summary>GitLab's default merge commit template.</summary>
    private static string MergeCommitMessage(SimProject project, SimMergeRequest mr) =>
        $"Merge branch '{mr.SourceBranch}' into '{mr.TargetBranch}'\n\n{mr.Title}\n\nSee merge request {project.FullPath}!{mr.Iid}";

    /// <summary>
    /// GitLab's <c>refs/merge-requests/:iid/merge</c>: the merge of the source's head into the target's head, made once per
    /// pair of heads; null when they conflict.
    /// </summary>
    public string? MergeRef(SimProject project, SimMergeRequest mr)
    {
        if (SourceHead(project, mr) is not { } source || TargetHead(project, mr) is not { } target)
        {
            return null;
        }

        if (MergeRefs.TryGetValue(mr.Id, out var known) && known.Source == source.Sha && known.Target == target.Sha)
        {
            return known.Sha;
        }

        if (project.Repository.MergedTree(target, source) is not { } tree)
        {
            return null;
        }

        var signature = SignatureOf(UserById(mr.AuthorId));
        var merge = project.Repository.CommitTree(tree, MergeCommitMessage(project, mr), signature, signature, [target, source]);
        MergeRefs[mr.Id] = (source.Sha, target.Sha, merge.Sha);
        return merge.Sha;
    }

    /// <summary>A comment on a merge request: a plain note (its own discussion) unless a thread's id is given; raises the note
    /// hook.</summary>
    public SimNote AddNote(
        SimProject project,
        SimMergeRequest mr,
        SimUser author,
        string body,
        JsonElement? position = null,
        string? discussionId = null
    ) => AddNote(project, "MergeRequest", mr.Id, mr.Iid, author, body, position, discussionId, mr, null);

    /// <summary>A plain note on an issue; raises the note hook with the issue.</summary>
    public SimNote AddNote(SimProject project, SimIssue issue, SimUser author, string body) =>
        AddNote(project, "Issue", issue.Id, issue.Iid, author, body, null, null, null, issue);

    private SimNote AddNote(
        SimProject project,
        string noteableType,
        long noteableId,
        long noteableIid,
        SimUser author,
        string body,
        JsonElement? position,
        string? discussionId,
        SimMergeRequest? mr,
        SimIssue? issue
    )
    {
        var note = new SimNote
        {
            Id = NewId(),
            Body = body,
            AuthorId = author.Id,
            NoteableType = noteableType,
            NoteableId = noteableId,
            NoteableIid = noteableIid,
            ProjectId = project.Id,
            DiscussionId = discussionId ?? NewSha(),
            Individual = discussionId is null,
            Position = position,
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        Notes.Add(note);
        // A comment touches what it is on, as GitLab's updated_at shows (the reviews' poller finds commands by it).
        if (mr is not null)
        {
            mr.UpdatedAt = Now;
        }

        if (issue is not null)
        {
            issue.UpdatedAt = Now;
        }

        Emit(project.Id, "Note Hook", "note", SimPayloads.Note(this, project, note, mr, issue));
        return note;
    }
}

using System.Text.Json;

namespace GitLabBus.Simulator.State;

/// <summary>Merge requests: mergeability from branches, asynchronous rebase, merge with a head check.</summary>
public sealed partial class SimStore
{
    public static readonly TimeSpan RebaseDuration = TimeSpan.FromSeconds(2);

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
        CreatePipeline(project, source, "merge_request_event", null, mr.Iid);
        return mr;
    }

    public void AddVersion(SimProject project, SimMergeRequest mr)
    {
        var source = project.Branches[mr.SourceBranch];
        var baseSha = MergeBase(project, mr);
        mr.Versions.Insert(
            0,
            new SimVersion(
                NewId(),
                source.Head,
                baseSha,
                project.Branches.TryGetValue(mr.TargetBranch, out var target) ? target.Head : baseSha,
                Now
            )
        );
    }

    /// <summary>The newest commit of the source that is also on the target.</summary>
    public string MergeBase(SimProject project, SimMergeRequest mr)
    {
        var source = project.Branches[mr.SourceBranch];
        if (!project.Branches.TryGetValue(mr.TargetBranch, out var target))
        {
            return source.History[0].Sha;
        }

        return source.History.LastOrDefault(commit => target.Contains(commit.Sha))?.Sha ?? source.History[0].Sha;
    }

    /// <summary>Files the source changed since the merge base.</summary>
    public IReadOnlySet<string> ChangedFiles(SimProject project, SimMergeRequest mr) =>
        project.Branches.TryGetValue(mr.SourceBranch, out var source)
            ? source.FilesChangedSince(MergeBase(project, mr))
            : new HashSet<string>();

    public bool HasConflicts(SimProject project, SimMergeRequest mr)
    {
        if (
            mr.State != "opened"
            || !project.Branches.TryGetValue(mr.TargetBranch, out var target)
            || !project.Branches.ContainsKey(mr.SourceBranch)
        )
        {
            return false;
        }

        return target.FilesChangedSince(MergeBase(project, mr)).Overlaps(ChangedFiles(project, mr));
    }

    public bool IsBehind(SimProject project, SimMergeRequest mr) =>
        project.Branches.TryGetValue(mr.TargetBranch, out var target) && MergeBase(project, mr) != target.Head;

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

    public void StartRebase(SimMergeRequest mr) => mr.RebaseDoneAt = Now + RebaseDuration;

    /// <summary>Finishes a rebase whose time has come: conflicts leave <c>merge_error</c>, else the source moves onto the target.</summary>
    public void FinishRebase(SimProject project, SimMergeRequest mr)
    {
        mr.RebaseDoneAt = null;
        if (HasConflicts(project, mr))
        {
            mr.MergeError = "Rebase failed: Rebase locally, resolve all conflicts, then push the branch.";
            return;
        }

        mr.MergeError = null;
        var source = project.Branches[mr.SourceBranch];
        var target = project.Branches[mr.TargetBranch];
        var mergeBase = MergeBase(project, mr);
        var own = source.History.Skip(source.History.FindIndex(commit => commit.Sha == mergeBase) + 1).ToList();
        if (own.Count == 0 || !IsBehind(project, mr))
        {
            return;
        }

        var before = source.Head;
        source.History.Clear();
        source.History.AddRange(target.History);
        foreach (var commit in own)
        {
            source.History.Add(commit with { Sha = NewSha(), At = Now });
        }

        mr.UpdatedAt = Now;
        AddVersion(project, mr);
        Emit(project.Id, "Push Hook", "push", SimPayloads.Push(this, project, source, before, source.History[^1]));
        Emit(project.Id, "Merge Request Hook", "merge_request", SimPayloads.MergeRequest(this, project, mr, "update", before));
        CreatePipeline(project, mr.SourceBranch, "merge_request_event", null, mr.Iid);
    }

    /// <summary>Merges into the target: a merge commit (or the rebased commits for <c>ff</c>), hooks, and a pipeline on the
    /// target.</summary>
    public void Merge(SimProject project, SimMergeRequest mr, bool squash)
    {
        var source = project.Branches[mr.SourceBranch];
        var target = project.Branches[mr.TargetBranch];
        var files = ChangedFiles(project, mr);
        var before = target.Head;
        if (project.MergeMethod == "ff" && !squash)
        {
            target.History.Clear();
            target.History.AddRange(source.History);
        }
        else
        {
            target.History.Add(
                new SimCommit(NewSha(), $"Merge branch '{mr.SourceBranch}' into '{mr.TargetBranch}'", files.ToHashSet(), Now)
            );
        }

        mr.State = "merged";
        mr.MergedAt = Now;
        mr.UpdatedAt = Now;
        mr.MergeCommitSha = target.Head;
        project.LastActivityAt = Now;
        Emit(project.Id, "Push Hook", "push", SimPayloads.Push(this, project, target, before, target.History[^1]));
        Emit(project.Id, "Merge Request Hook", "merge_request", SimPayloads.MergeRequest(this, project, mr, "merge"));
        CreatePipeline(project, mr.TargetBranch, "push", null, null);
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
        Emit(project.Id, "Note Hook", "note", SimPayloads.Note(this, project, note, mr, issue));
        return note;
    }
}

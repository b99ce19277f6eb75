using GitLabBus.Simulator.Git;

namespace GitLabBus.Simulator.State;

/// <summary>REST answers in GitLab's shapes and field names.</summary>
public static class SimJson
{
    public static object User(SimStore store, SimUser user) =>
        new
        {
            id = user.Id,
            username = user.Username,
            name = user.Name,
            state = "active",
            locked = false,
            avatar_url = $"{store.Options.PublicUrl.TrimEnd('/')}/uploads/avatar/{user.Username}.png",
            web_url = store.WebUrl(user.Username),
        };

    public static object Group(SimStore store, SimGroup group) =>
        new
        {
            id = group.Id,
            web_url = store.WebUrl("groups/" + group.FullPath),
            name = group.Name,
            path = group.Path,
            description = group.Description,
            visibility = "private",
            full_name = group.Name,
            full_path = group.FullPath,
            parent_id = group.ParentId,
            created_at = SimFormat.Api(DateTimeOffset.UnixEpoch),
        };

    public static object Project(SimStore store, SimProject project) =>
        new
        {
            id = project.Id,
            description = project.Description,
            name = project.Name,
            name_with_namespace = $"{project.Group.Name} / {project.Name}",
            path = project.Path,
            path_with_namespace = project.FullPath,
            created_at = SimFormat.Api(project.CreatedAt),
            default_branch = project.DefaultBranch,
            ssh_url_to_repo = $"git@{store.Host}:{project.FullPath}.git",
            http_url_to_repo = store.WebUrl(project.FullPath) + ".git",
            web_url = store.WebUrl(project.FullPath),
            visibility = "private",
            last_activity_at = SimFormat.Api(project.LastActivityAt),
            merge_method = project.MergeMethod,
            only_allow_merge_if_pipeline_succeeds = project.OnlyAllowMergeIfPipelineSucceeds,
            allow_merge_on_skipped_pipeline = project.AllowMergeOnSkippedPipeline,
            squash_option = project.SquashOption,
            @namespace = new
            {
                id = project.Group.Id,
                name = project.Group.Name,
                path = project.Group.Path,
                kind = "group",
                full_path = project.Group.FullPath,
                parent_id = project.Group.ParentId,
                web_url = store.WebUrl("groups/" + project.Group.FullPath),
            },
        };

    public static object Label(SimLabel label) =>
        new
        {
            id = label.Id,
            name = label.Name,
            color = label.Color,
            description = label.Description,
            text_color = "#FFFFFF",
        };

    public static object Epic(SimStore store, SimEpic epic)
    {
        var group = store.Groups.First(g => g.Id == epic.GroupId);
        return new
        {
            id = epic.Id,
            iid = epic.Iid,
            group_id = epic.GroupId,
            parent_id = epic.ParentId,
            title = epic.Title,
            description = epic.Description,
            state = epic.State,
            web_url = store.WebUrl($"groups/{group.FullPath}/-/epics/{epic.Iid}"),
            reference = $"&{epic.Iid}",
            author = User(store, store.UserById(epic.AuthorId)),
            labels = epic.Labels,
            created_at = SimFormat.Api(epic.CreatedAt),
            updated_at = SimFormat.Api(epic.UpdatedAt),
            closed_at = SimFormat.Api(epic.ClosedAt),
        };
    }

    public static object Issue(SimStore store, SimIssue issue)
    {
        var project = store.Projects.First(p => p.Id == issue.ProjectId);
        var epic = issue.EpicId is { } epicId ? store.Epics.FirstOrDefault(e => e.Id == epicId) : null;
        return new
        {
            id = issue.Id,
            iid = issue.Iid,
            project_id = issue.ProjectId,
            title = issue.Title,
            description = issue.Description,
            state = issue.State,
            created_at = SimFormat.Api(issue.CreatedAt),
            updated_at = SimFormat.Api(issue.UpdatedAt),
            closed_at = SimFormat.Api(issue.ClosedAt),
            labels = issue.Labels,
            author = User(store, store.UserById(issue.AuthorId)),
            assignees = Array.Empty<object>(),
            type = "ISSUE",
            issue_type = "issue",
            web_url = $"{store.WebUrl(project.FullPath)}/-/issues/{issue.Iid}",
            references = new
            {
                @short = $"#{issue.Iid}",
                relative = $"#{issue.Iid}",
                full = $"{project.FullPath}#{issue.Iid}",
            },
            epic_iid = epic?.Iid,
            epic = epic is null
                ? null
                : new
                {
                    id = epic.Id,
                    iid = epic.Iid,
                    title = epic.Title,
                    url = $"/groups/{store.Groups.First(g => g.Id == epic.GroupId).FullPath}/-/epics/{epic.Iid}",
                    group_id = epic.GroupId,
                },
        };
    }

    public static object MergeRequest(SimStore store, SimProject project, SimMergeRequest mr, bool includeRebase)
    {
        var source = project.Branches.GetValueOrDefault(mr.SourceBranch);
        var version = mr.Versions.FirstOrDefault();
        var detailed = store.DetailedMergeStatus(project, mr);
        var head = store.HeadPipeline(project, mr);
        return new
        {
            id = mr.Id,
            iid = mr.Iid,
            project_id = project.Id,
            title = mr.Title,
            description = mr.Description,
            state = mr.State,
            created_at = SimFormat.Api(mr.CreatedAt),
            updated_at = SimFormat.Api(mr.UpdatedAt),
            merged_at = SimFormat.Api(mr.MergedAt),
            closed_at = SimFormat.Api(mr.ClosedAt),
            target_branch = mr.TargetBranch,
            source_branch = mr.SourceBranch,
            source_project_id = project.Id,
            target_project_id = project.Id,
            author = User(store, store.UserById(mr.AuthorId)),
            assignee = mr.AssigneeIds.Count > 0 ? User(store, store.UserById(mr.AssigneeIds[0])) : null,
            assignees = mr.AssigneeIds.Select(userId => User(store, store.UserById(userId))).ToArray(),
            reviewers = mr.ReviewerIds.Select(userId => User(store, store.UserById(userId))).ToArray(),
            labels = mr.Labels,
            draft = mr.Draft,
            work_in_progress = mr.Draft,
            merge_status = detailed is "conflict" ? "cannot_be_merged"
            : detailed == "checking" ? "checking"
            : "can_be_merged",
            detailed_merge_status = detailed,
            has_conflicts = SimStore.HasConflicts(project, mr),
            sha = source?.Head,
            merge_commit_sha = mr.MergeCommitSha,
            squash_commit_sha = mr.SquashCommitSha,
            merge_error = mr.MergeError,
            rebase_in_progress = includeRebase ? mr.RebaseDoneAt is not null : (bool?)null,
            diff_refs = version is null
                ? null
                : new
                {
                    base_sha = version.BaseSha,
                    head_sha = version.HeadSha,
                    start_sha = version.StartSha,
                },
            head_pipeline = head is null ? null : PipelineSummary(store, project, head),
            references = new
            {
                @short = $"!{mr.Iid}",
                relative = $"!{mr.Iid}",
                full = $"{project.FullPath}!{mr.Iid}",
            },
            web_url = $"{store.WebUrl(project.FullPath)}/-/merge_requests/{mr.Iid}",
        };
    }

    public static object Note(SimStore store, SimNote note) =>
        new
        {
            id = note.Id,
            type = note.Position is null ? (string?)null : "DiffNote",
            body = note.Body,
            author = User(store, store.UserById(note.AuthorId)),
            created_at = SimFormat.Api(note.CreatedAt),
            updated_at = SimFormat.Api(note.UpdatedAt),
            system = note.System,
            noteable_id = note.NoteableId,
            noteable_type = note.NoteableType,
            noteable_iid = note.NoteableIid,
            project_id = note.ProjectId,
            position = note.Position,
            resolvable = note.Resolvable,
            resolved = note.ResolvedById is not null,
            resolved_by = note.ResolvedById is { } resolver ? User(store, store.UserById(resolver)) : null,
        };

    public static object Award(SimStore store, SimAward award) =>
        new
        {
            id = award.Id,
            name = award.Name,
            user = User(store, store.UserById(award.UserId)),
            created_at = SimFormat.Api(award.CreatedAt),
            updated_at = SimFormat.Api(award.CreatedAt),
            awardable_id = award.AwardableId,
            awardable_type = award.AwardableType,
        };

    public static object Discussion(SimStore store, string id, IEnumerable<SimNote> notes)
    {
        var list = notes.ToList();
        return new
        {
            id,
            individual_note = list is [{ Individual: true }],
            notes = list.Select(note => Note(store, note)).ToArray(),
        };
    }

    public static object Branch(SimStore store, SimProject project, SimBranch branch) =>
        new
        {
            name = branch.Name,
            merged = false,
            @protected = branch.Protected,
            @default = branch.Name == project.DefaultBranch,
            developers_can_push = !branch.Protected,
            developers_can_merge = !branch.Protected,
            can_push = true,
            web_url = $"{store.WebUrl(project.FullPath)}/-/tree/{branch.Name}",
            commit = Commit(store, project, SimStore.HeadOf(project, branch)),
        };

    /// <summary>GitLab's basic commit entity (lists, branches, compare).</summary>
    public static Dictionary<string, object?> Commit(SimStore store, SimProject project, LibGit2Sharp.Commit commit) =>
        new()
        {
            ["id"] = commit.Sha,
            ["short_id"] = commit.Sha[..8],
            ["created_at"] = SimFormat.Api(commit.Committer.When),
            ["parent_ids"] = commit.Parents.Select(parent => parent.Sha).ToArray(),
            ["title"] = commit.MessageShort,
            ["message"] = commit.Message,
            ["author_name"] = commit.Author.Name,
            ["author_email"] = commit.Author.Email,
            ["authored_date"] = SimFormat.Api(commit.Author.When),
            ["committer_name"] = commit.Committer.Name,
            ["committer_email"] = commit.Committer.Email,
            ["committed_date"] = SimFormat.Api(commit.Committer.When),
            ["trailers"] = new { },
            ["extended_trailers"] = new { },
            ["web_url"] = $"{store.WebUrl(project.FullPath)}/-/commit/{commit.Sha}",
        };

    /// <summary>GitLab's detailed commit (<c>GET /repository/commits/:sha</c>, a new commit): with stats and its last pipeline.</summary>
    public static Dictionary<string, object?> CommitDetail(SimStore store, SimProject project, LibGit2Sharp.Commit commit)
    {
        var detail = Commit(store, project, commit);
        var changes = project.Repository.ChangesOf(commit);
        var additions = changes.Sum(change => change.Additions);
        var deletions = changes.Sum(change => change.Deletions);
        var pipeline = store.Pipelines.LastOrDefault(p => p.ProjectId == project.Id && p.Sha == commit.Sha);
        detail["stats"] = new
        {
            additions,
            deletions,
            total = additions + deletions,
        };
        detail["status"] = pipeline?.Status;
        detail["project_id"] = project.Id;
        detail["last_pipeline"] = pipeline is null ? null : PipelineSummary(store, project, pipeline);
        return detail;
    }

    /// <summary>One file of a diff as GitLab's diff entries (merge request diffs, compare, commit diff) show it.</summary>
    public static object Diff(FileChange change) =>
        new
        {
            diff = change.Diff,
            new_path = change.NewPath,
            old_path = change.OldPath,
            a_mode = change.AMode,
            b_mode = change.BMode,
            new_file = change.NewFile,
            renamed_file = change.RenamedFile,
            deleted_file = change.DeletedFile,
            generated_file = false,
        };

    /// <summary>
    /// GitLab's basic pipeline entity (lists, merge request pipelines); <see cref="Pipeline"/> is it with the details after,
    /// in the order GitLab's detailed entity adds them.
    /// </summary>
    public static Dictionary<string, object?> PipelineSummary(SimStore store, SimProject project, SimPipeline pipeline) =>
        new()
        {
            ["id"] = pipeline.Id,
            ["iid"] = pipeline.Iid,
            ["project_id"] = project.Id,
            ["sha"] = pipeline.Sha,
            ["ref"] = pipeline.Ref,
            ["status"] = pipeline.Status,
            ["source"] = pipeline.Source,
            ["created_at"] = SimFormat.Api(pipeline.CreatedAt),
            ["updated_at"] = SimFormat.Api(pipeline.UpdatedAt),
            ["web_url"] = $"{store.WebUrl(project.FullPath)}/-/pipelines/{pipeline.Id}",
        };

    public static Dictionary<string, object?> Pipeline(SimStore store, SimProject project, SimPipeline pipeline)
    {
        var detailed = PipelineSummary(store, project, pipeline);
        detailed["before_sha"] = pipeline.BeforeSha;
        detailed["tag"] = false;
        detailed["yaml_errors"] = null;
        detailed["user"] = User(store, store.UserById(pipeline.UserId));
        detailed["started_at"] = SimFormat.Api(pipeline.StartedAt);
        detailed["finished_at"] = SimFormat.Api(pipeline.FinishedAt);
        detailed["committed_at"] = null;
        detailed["duration"] = (int?)SimFormat.Seconds(pipeline.StartedAt, pipeline.FinishedAt);
        detailed["queued_duration"] = SimFormat.Seconds(pipeline.CreatedAt, pipeline.StartedAt);
        detailed["coverage"] = null;
        detailed["detailed_status"] = new
        {
            icon = $"status_{pipeline.Status}",
            text = pipeline.Status,
            label = pipeline.Status == "success" ? "passed" : pipeline.Status,
            group = pipeline.Status,
        };
        return detailed;
    }

    public static object Job(SimStore store, SimProject project, SimPipeline pipeline, SimJob job) =>
        new
        {
            id = job.Id,
            name = job.Name,
            stage = job.Stage,
            status = job.Status,
            @ref = pipeline.Ref,
            tag = false,
            allow_failure = job.AllowFailure,
            when = job.When,
            manual = job.When == "manual",
            created_at = SimFormat.Api(job.CreatedAt),
            started_at = SimFormat.Api(job.StartedAt),
            finished_at = SimFormat.Api(job.FinishedAt),
            erased_at = (string?)null,
            duration = SimFormat.Seconds(job.StartedAt, job.FinishedAt ?? (job.StartedAt is null ? null : store.Now)),
            queued_duration = SimFormat.Seconds(job.QueuedAt, job.StartedAt),
            failure_reason = job.FailureReason,
            retried = job.Retried,
            user = User(store, store.Root),
            commit = new
            {
                id = pipeline.Sha,
                short_id = pipeline.Sha[..8],
                title = "Simulated commit",
            },
            pipeline = PipelineSummary(store, project, pipeline),
            web_url = $"{store.WebUrl(project.FullPath)}/-/jobs/{job.Id}",
            artifacts = job.Artifacts is null
                ? Array.Empty<object>()
                :
                [
                    new
                    {
                        file_type = "archive",
                        size = job.Artifacts.LongLength,
                        filename = "artifacts.zip",
                        file_format = "zip",
                    },
                    new
                    {
                        file_type = "trace",
                        size = (long)job.Trace.Length,
                        filename = "job.log",
                        file_format = (string?)null,
                    },
                ],
            artifacts_file = job.Artifacts is null ? null : new { filename = "artifacts.zip", size = job.Artifacts.LongLength },
            artifacts_expire_at = (string?)null,
            environment = job.Environment is null ? null : new { name = job.Environment, action = "start" },
            runner = (object?)null,
        };

    /// <summary>A trigger job as <c>/pipelines/:id/bridges</c> lists it, with the pipeline it started.</summary>
    public static object Bridge(SimStore store, SimProject project, SimPipeline pipeline, SimJob bridge) =>
        new
        {
            id = bridge.Id,
            name = bridge.Name,
            stage = bridge.Stage,
            status = bridge.Status,
            @ref = pipeline.Ref,
            tag = false,
            allow_failure = bridge.AllowFailure,
            created_at = SimFormat.Api(bridge.CreatedAt),
            started_at = SimFormat.Api(bridge.StartedAt),
            finished_at = SimFormat.Api(bridge.FinishedAt),
            duration = SimFormat.Seconds(bridge.StartedAt, bridge.FinishedAt),
            user = User(store, store.Root),
            commit = new
            {
                id = pipeline.Sha,
                short_id = pipeline.Sha[..8],
                title = "Simulated commit",
            },
            pipeline = PipelineSummary(store, project, pipeline),
            web_url = $"{store.WebUrl(project.FullPath)}/-/jobs/{bridge.Id}",
            downstream_pipeline = bridge.DownstreamPipelineId is { } childId
            && store.Pipelines.FirstOrDefault(p => p.Id == childId) is { } child
                ? PipelineSummary(store, project, child)
                : null,
        };

    public static object Environment(SimStore store, SimProject project, SimEnvironment environment) =>
        new
        {
            id = environment.Id,
            name = environment.Name,
            slug = environment.Slug,
            external_url = environment.ExternalUrl,
            state = environment.State,
            tier = environment.Tier,
            created_at = SimFormat.Api(environment.CreatedAt),
            updated_at = SimFormat.Api(environment.UpdatedAt),
            project = new { id = project.Id, path_with_namespace = project.FullPath },
        };

    /// <summary>A project hook names its <c>project_id</c>, a group hook its <c>group_id</c>, as GitLab's answers do.</summary>
    public static object Hook(SimHook hook)
    {
        var json = new Dictionary<string, object?> { ["id"] = hook.Id, ["url"] = hook.Url };
        if (hook.GroupId is { } groupId)
        {
            json["group_id"] = groupId;
        }
        else
        {
            json["project_id"] = hook.ProjectId;
        }

        json["push_events"] = hook.PushEvents;
        json["issues_events"] = hook.IssuesEvents;
        json["merge_requests_events"] = hook.MergeRequestsEvents;
        json["note_events"] = hook.NoteEvents;
        json["pipeline_events"] = hook.PipelineEvents;
        json["job_events"] = hook.JobEvents;
        json["enable_ssl_verification"] = hook.EnableSslVerification;
        json["created_at"] = SimFormat.Api(hook.CreatedAt);
        json["alert_status"] = "executable";
        return json;
    }
}

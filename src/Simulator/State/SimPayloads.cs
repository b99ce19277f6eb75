using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitLabBus.Simulator.State;

/// <summary>Webhook payloads in GitLab's shapes (compare <c>shared/fixtures/gitlab-webhooks</c>).</summary>
public static class SimPayloads
{
    public static object Project(SimStore store, SimProject project) =>
        new
        {
            id = project.Id,
            name = project.Name,
            description = project.Description,
            web_url = store.WebUrl(project.FullPath),
            avatar_url = (string?)null,
            git_ssh_url = $"git@{store.Host}:{project.FullPath}.git",
            git_http_url = store.WebUrl(project.FullPath) + ".git",
            @namespace = project.Group.Name,
            visibility_level = 20,
            path_with_namespace = project.FullPath,
            default_branch = project.DefaultBranch,
            ci_config_path = (string?)null,
            homepage = store.WebUrl(project.FullPath),
            url = $"git@{store.Host}:{project.FullPath}.git",
            ssh_url = $"git@{store.Host}:{project.FullPath}.git",
            http_url = store.WebUrl(project.FullPath) + ".git",
        };

    public static object Repository(SimStore store, SimProject project) =>
        new
        {
            name = project.Name,
            url = $"git@{store.Host}:{project.FullPath}.git",
            description = project.Description,
            homepage = store.WebUrl(project.FullPath),
            git_http_url = store.WebUrl(project.FullPath) + ".git",
            git_ssh_url = $"git@{store.Host}:{project.FullPath}.git",
            visibility_level = 20,
        };

    public static object User(SimStore store, SimUser user) =>
        new
        {
            id = user.Id,
            name = user.Name,
            username = user.Username,
            avatar_url = $"{store.Options.PublicUrl.TrimEnd('/')}/uploads/avatar/{user.Username}.png",
            email = "[REDACTED]",
        };

    private static object[] Labels(SimProject project, IEnumerable<string> names) =>
        [
            .. names.Select(name =>
                project.Labels.FirstOrDefault(label => label.Name == name) is { } label
                    ? new
                    {
                        id = label.Id,
                        title = label.Name,
                        color = label.Color,
                        project_id = (long?)project.Id,
                        description = label.Description,
                        type = "ProjectLabel",
                        group_id = (long?)null,
                    }
                    : new
                    {
                        id = 0L,
                        title = name,
                        color = "#428BCA",
                        project_id = (long?)project.Id,
                        description = (string?)null,
                        type = "ProjectLabel",
                        group_id = (long?)null,
                    }
            ),
        ];

    /// <summary>
    /// A push that moved <paramref name="branch"/> from <paramref name="before"/> (all zeros for a new branch) and brought
    /// <paramref name="arrived"/> (newest first): GitLab lists at most 20 of them, oldest first, with the files each added,
    /// modified and removed.
    /// </summary>
    public static object Push(
        SimStore store,
        SimProject project,
        SimBranch branch,
        string before,
        IReadOnlyList<LibGit2Sharp.Commit> arrived,
        SimUser actor
    ) =>
        new
        {
            object_kind = "push",
            event_name = "push",
            before,
            after = branch.Head,
            @ref = $"refs/heads/{branch.Name}",
            ref_protected = branch.Protected,
            checkout_sha = branch.Head,
            message = (string?)null,
            user_id = actor.Id,
            user_name = actor.Name,
            user_username = actor.Username,
            user_email = "",
            user_avatar = (string?)null,
            project_id = project.Id,
            project = Project(store, project),
            commits = arrived.Take(20).Reverse().Select(commit => PushedCommit(store, project, commit)).ToArray(),
            total_commits_count = arrived.Count,
            push_options = new { },
            repository = Repository(store, project),
        };

    private static Dictionary<string, object?> PushedCommit(SimStore store, SimProject project, LibGit2Sharp.Commit commit)
    {
        var changes = project.Repository.ChangesOf(commit);
        var pushed = HookCommit(store, project, commit);
        pushed["added"] = changes.Where(change => change.NewFile).Select(change => change.NewPath).ToArray();
        pushed["modified"] = changes.Where(change => !change.NewFile && !change.DeletedFile).Select(change => change.NewPath).ToArray();
        pushed["removed"] = changes.Where(change => change.DeletedFile).Select(change => change.OldPath).ToArray();
        return pushed;
    }

    /// <summary>A commit as hooks show it (a push's commits, a merge request's <c>last_commit</c>).</summary>
    private static Dictionary<string, object?> HookCommit(SimStore store, SimProject project, LibGit2Sharp.Commit commit) =>
        new()
        {
            ["id"] = commit.Sha,
            ["message"] = commit.Message,
            ["title"] = commit.MessageShort,
            ["timestamp"] = SimFormat.Iso(commit.Author.When),
            ["url"] = $"{store.WebUrl(project.FullPath)}/-/commit/{commit.Sha}",
            ["author"] = new { name = commit.Author.Name, email = "[REDACTED]" },
        };

    public static object Issue(SimStore store, SimProject project, SimIssue issue, string action, object? changes = null) =>
        new
        {
            object_kind = "issue",
            event_type = "issue",
            user = User(store, store.Root),
            project = Project(store, project),
            object_attributes = new
            {
                id = issue.Id,
                iid = issue.Iid,
                title = issue.Title,
                description = issue.Description,
                author_id = issue.AuthorId,
                project_id = project.Id,
                assignee_ids = Array.Empty<long>(),
                assignee_id = (long?)null,
                created_at = SimFormat.Hook(issue.CreatedAt),
                updated_at = SimFormat.Hook(issue.UpdatedAt),
                closed_at = SimFormat.Hook(issue.ClosedAt),
                state_id = issue.State == "opened" ? 1 : 2,
                state = issue.State,
                confidential = false,
                type = "Issue",
                url = $"{store.WebUrl(project.FullPath)}/-/issues/{issue.Iid}",
                action,
                labels = Labels(project, issue.Labels),
            },
            repository = Repository(store, project),
            assignees = Array.Empty<object>(),
            labels = Labels(project, issue.Labels),
            changes = changes ?? new { },
        };

    /// <param name="oldrev">The source's head before a push: GitLab names it only on updates that brought new commits.</param>
    /// <param name="changes">GitLab's <c>changes</c>: for each attribute the update changed, <c>previous</c> and <c>current</c>.</param>
    /// <param name="actor">Who made the change (the hook's <c>user</c>); root for what the simulator does by itself.</param>
    public static object MergeRequest(
        SimStore store,
        SimProject project,
        SimMergeRequest mr,
        string action,
        string? oldrev = null,
        object? changes = null,
        SimUser? actor = null
    ) =>
        new
        {
            object_kind = "merge_request",
            event_type = "merge_request",
            user = User(store, actor ?? store.Root),
            project = Project(store, project),
            repository = Repository(store, project),
            object_attributes = oldrev is null
                ? MergeRequestAttributes(store, project, mr, action)
                : WithOldrev(MergeRequestAttributes(store, project, mr, action), oldrev),
            labels = Labels(project, mr.Labels),
            changes = changes ?? new { },
            assignees = Users(store, mr.AssigneeIds),
            reviewers = Users(store, mr.ReviewerIds),
        };

    /// <summary>What an update changed, in GitLab's shape: <c>{"labels":{"previous":[...],"current":[...]}, ...}</c>.</summary>
    public static Dictionary<string, object> Changes(SimStore store, SimProject project, MergeRequestSnapshot before, SimMergeRequest after)
    {
        var changes = new Dictionary<string, object>();
        void Changed<T>(string name, T previous, T current, Func<T, object?> render, IEqualityComparer<T>? equal = null)
        {
            if (!(equal ?? EqualityComparer<T>.Default).Equals(previous, current))
            {
                changes[name] = new { previous = render(previous), current = render(current) };
            }
        }

        var lists = new SequenceComparer();
        Changed("title", before.Title, after.Title, value => value);
        Changed("description", before.Description, after.Description, value => value);
        Changed("target_branch", before.TargetBranch, after.TargetBranch, value => value);
        Changed("draft", before.Draft, after.Draft, value => value);
        Changed("labels", before.Labels, [.. after.Labels], names => Labels(project, names), lists);
        Changed("assignees", before.AssigneeIds, [.. after.AssigneeIds], ids => Users(store, ids), lists);
        Changed("reviewers", before.ReviewerIds, [.. after.ReviewerIds], ids => Users(store, ids), lists);
        Changed("state_id", StateId(before.State), StateId(after.State), value => value);
        if (changes.Count > 0)
        {
            changes["updated_at"] = new { previous = SimFormat.Hook(before.UpdatedAt), current = SimFormat.Hook(after.UpdatedAt) };
        }

        return changes;
    }

    private static object[] Users(SimStore store, IEnumerable<long> ids) => [.. ids.Select(id => User(store, store.UserById(id)))];

    private static int StateId(string state) =>
        state switch
        {
            "opened" => 1,
            "closed" => 2,
            "merged" => 3,
            _ => 4,
        };

    private sealed class SequenceComparer : IEqualityComparer<IReadOnlyList<string>>, IEqualityComparer<IReadOnlyList<long>>
    {
        public bool Equals(IReadOnlyList<string>? x, IReadOnlyList<string>? y) => (x ?? []).SequenceEqual(y ?? []);

        public int GetHashCode(IReadOnlyList<string> obj) => obj.Count;

        public bool Equals(IReadOnlyList<long>? x, IReadOnlyList<long>? y) => (x ?? []).SequenceEqual(y ?? []);

        public int GetHashCode(IReadOnlyList<long> obj) => obj.Count;
    }

    private static JsonObject WithOldrev(object attributes, string oldrev)
    {
        var node = JsonSerializer.SerializeToNode(attributes)!.AsObject();
        node["oldrev"] = oldrev;
        return node;
    }

    private static object MergeRequestAttributes(SimStore store, SimProject project, SimMergeRequest mr, string? action)
    {
        var head = project.Branches.TryGetValue(mr.SourceBranch, out var source) ? SimStore.HeadOf(project, source) : null;
        return new
        {
            id = mr.Id,
            iid = mr.Iid,
            target_branch = mr.TargetBranch,
            source_branch = mr.SourceBranch,
            source_project_id = project.Id,
            target_project_id = project.Id,
            author_id = mr.AuthorId,
            title = mr.Title,
            description = mr.Description,
            created_at = SimFormat.Hook(mr.CreatedAt),
            updated_at = SimFormat.Hook(mr.UpdatedAt),
            state_id = StateId(mr.State),
            state = mr.State,
            assignee_ids = mr.AssigneeIds.ToArray(),
            assignee_id = mr.AssigneeIds.Count > 0 ? mr.AssigneeIds[0] : (long?)null,
            reviewer_ids = mr.ReviewerIds.ToArray(),
            draft = mr.Draft,
            work_in_progress = mr.Draft,
            merge_status = store.DetailedMergeStatus(project, mr) == "conflict" ? "cannot_be_merged" : "can_be_merged",
            detailed_merge_status = store.DetailedMergeStatus(project, mr),
            merge_commit_sha = mr.MergeCommitSha,
            url = $"{store.WebUrl(project.FullPath)}/-/merge_requests/{mr.Iid}",
            source = Project(store, project),
            target = Project(store, project),
            last_commit = head is null ? null : HookCommit(store, project, head),
            labels = Labels(project, mr.Labels),
            action,
        };
    }

    public static object Note(
        SimStore store,
        SimProject project,
        SimNote note,
        SimMergeRequest? mr,
        SimIssue? issue,
        string action = "create"
    ) =>
        new
        {
            object_kind = "note",
            event_type = "note",
            user = User(store, store.UserById(note.AuthorId)),
            project_id = project.Id,
            project = Project(store, project),
            repository = Repository(store, project),
            object_attributes = new
            {
                id = note.Id,
                note = note.Body,
                noteable_type = note.NoteableType,
                author_id = note.AuthorId,
                created_at = SimFormat.Hook(note.CreatedAt),
                updated_at = SimFormat.Hook(note.UpdatedAt),
                project_id = project.Id,
                noteable_id = note.NoteableId,
                system = note.System,
                discussion_id = note.DiscussionId,
                type = note.Position is null ? null : "DiffNote",
                position = note.Position,
                action,
                url = mr is not null
                    ? $"{store.WebUrl(project.FullPath)}/-/merge_requests/{mr.Iid}#note_{note.Id}"
                    : $"{store.WebUrl(project.FullPath)}/-/issues/{issue?.Iid}#note_{note.Id}",
            },
            merge_request = mr is null ? null : MergeRequestAttributes(store, project, mr, null),
            issue = issue is null
                ? null
                : new
                {
                    id = issue.Id,
                    iid = issue.Iid,
                    title = issue.Title,
                    state = issue.State,
                    project_id = project.Id,
                },
        };

    public static object Pipeline(SimStore store, SimProject project, SimPipeline pipeline) =>
        new
        {
            object_kind = "pipeline",
            object_attributes = new
            {
                id = pipeline.Id,
                iid = pipeline.Iid,
                name = $"Pipeline for branch: {pipeline.Ref}",
                @ref = pipeline.Ref,
                tag = false,
                sha = pipeline.Sha,
                before_sha = pipeline.BeforeSha,
                source = pipeline.Source,
                status = pipeline.Status,
                detailed_status = pipeline.Status == "success" ? "passed" : pipeline.Status,
                stages = pipeline.CurrentJobs.OrderBy(job => job.StageIndex).Select(job => job.Stage).Distinct().ToArray(),
                created_at = SimFormat.Hook(pipeline.CreatedAt),
                finished_at = SimFormat.Hook(pipeline.FinishedAt),
                duration = (int?)SimFormat.Seconds(pipeline.StartedAt, pipeline.FinishedAt),
                queued_duration = (int?)SimFormat.Seconds(pipeline.CreatedAt, pipeline.StartedAt),
                variables = pipeline.Variables.Select(variable => new { key = variable.Key, value = variable.Value }).ToArray(),
                url = $"{store.WebUrl(project.FullPath)}/-/pipelines/{pipeline.Id}",
            },
            merge_request = pipeline.MergeRequestIid is { } iid
            && store.MergeRequests.FirstOrDefault(mr => mr.ProjectId == project.Id && mr.Iid == iid) is { } request
                ? new
                {
                    id = request.Id,
                    iid = request.Iid,
                    title = request.Title,
                    source_branch = request.SourceBranch,
                    source_project_id = project.Id,
                    target_branch = request.TargetBranch,
                    target_project_id = project.Id,
                    state = request.State,
                    merge_status = "can_be_merged",
                    detailed_merge_status = store.DetailedMergeStatus(project, request),
                    url = $"{store.WebUrl(project.FullPath)}/-/merge_requests/{request.Iid}",
                }
                : null,
            user = User(store, store.Root),
            project = Project(store, project),
            commit = new
            {
                id = pipeline.Sha,
                message = "Simulated commit\n",
                title = "Simulated commit",
                url = $"{store.WebUrl(project.FullPath)}/-/commit/{pipeline.Sha}",
            },
            source_pipeline = pipeline.UpstreamPipelineId is { } upstream
                ? new
                {
                    project = new
                    {
                        id = project.Id,
                        web_url = store.WebUrl(project.FullPath),
                        path_with_namespace = project.FullPath,
                    },
                    job_id = pipeline.UpstreamJobId,
                    pipeline_id = upstream,
                }
                : null,
            builds = pipeline
                .CurrentJobs.Where(job => !job.IsBridge)
                .Select(job => new
                {
                    id = job.Id,
                    stage = job.Stage,
                    name = job.Name,
                    status = job.Status,
                    created_at = SimFormat.Hook(job.CreatedAt),
                    started_at = SimFormat.Hook(job.StartedAt),
                    finished_at = SimFormat.Hook(job.FinishedAt),
                    duration = SimFormat.Seconds(job.StartedAt, job.FinishedAt),
                    queued_duration = SimFormat.Seconds(job.QueuedAt, job.StartedAt),
                    failure_reason = job.FailureReason,
                    when = job.When,
                    manual = job.When == "manual",
                    allow_failure = job.AllowFailure,
                    user = User(store, store.Root),
                    runner = (object?)null,
                    artifacts_file = new { filename = job.Artifacts is null ? null : "artifacts.zip", size = job.Artifacts?.LongLength },
                    environment = job.Environment is null
                        ? null
                        : new
                        {
                            name = job.Environment,
                            action = "start",
                            deployment_tier = "production",
                        },
                })
                .ToArray(),
        };

    public static object Job(SimStore store, SimProject project, SimPipeline pipeline, SimJob job) =>
        new
        {
            object_kind = "build",
            @ref = pipeline.Ref,
            tag = false,
            before_sha = pipeline.BeforeSha,
            sha = pipeline.Sha,
            build_id = job.Id,
            build_name = job.Name,
            build_stage = job.Stage,
            build_status = job.Status,
            build_created_at = SimFormat.Api(job.CreatedAt),
            build_created_at_iso = SimFormat.Iso(job.CreatedAt),
            build_started_at = SimFormat.Api(job.StartedAt),
            build_started_at_iso = SimFormat.Iso(job.StartedAt),
            build_finished_at = SimFormat.Api(job.FinishedAt),
            build_finished_at_iso = SimFormat.Iso(job.FinishedAt),
            build_duration = SimFormat.Seconds(job.StartedAt, job.FinishedAt),
            build_queued_duration = SimFormat.Seconds(job.QueuedAt, job.StartedAt),
            build_allow_failure = job.AllowFailure,
            build_failure_reason = job.FailureReason ?? "unknown_failure",
            retries_count = pipeline.Jobs.Count(other => other.Name == job.Name && other.Retried),
            pipeline_id = pipeline.Id,
            project_id = project.Id,
            project_name = $"{project.Group.Name} / {project.Name}",
            user = User(store, store.Root),
            commit = new
            {
                id = pipeline.Id,
                name = $"Pipeline for branch: {pipeline.Ref}",
                sha = pipeline.Sha,
                message = "Simulated commit\n",
                author_name = store.Root.Name,
                author_email = "[REDACTED]",
                status = pipeline.Status,
                duration = (int?)SimFormat.Seconds(pipeline.StartedAt, pipeline.FinishedAt),
                started_at = SimFormat.Hook(pipeline.StartedAt),
                started_at_iso = SimFormat.Iso(pipeline.StartedAt),
                finished_at = SimFormat.Hook(pipeline.FinishedAt),
                finished_at_iso = SimFormat.Iso(pipeline.FinishedAt),
            },
            repository = Repository(store, project),
            project = Project(store, project),
            runner = (object?)null,
            environment = job.Environment is null
                ? null
                : new
                {
                    name = job.Environment,
                    action = "start",
                    deployment_tier = "production",
                },
            source_pipeline = (object?)null,
        };
}

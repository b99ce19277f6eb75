using System.Globalization;
using System.Text.Json;
using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Api;

/// <summary>Merge requests: list, get, create, update, rebase (asynchronous), merge (head check), approvals, changes, versions, notes,
/// discussions.</summary>
public static partial class MergeRequestEndpoints
{
    public static void MapMergeRequests(this RouteGroupBuilder api)
    {
        // GitLab's merge requests across projects, as a bot's watcher asks for them: scope created_by_me (the default),
        // assigned_to_me, reviews_for_me or all.
        api.MapGet(
            "/merge_requests",
            (HttpContext http, SimStore store, SimParams parameters) =>
                store.Read(s =>
                {
                    var caller = SimCaller.Of(http, s);
                    var scope = parameters.String("scope") ?? "created_by_me";
                    if (scope is not ("created_by_me" or "assigned_to_me" or "reviews_for_me" or "all"))
                    {
                        return SimResults.Ok(new { error = "scope does not have a valid value" }, 400);
                    }

                    DateTimeOffset? updatedAfter = null;
                    if (parameters.String("updated_after") is { } after)
                    {
                        if (!DateTimeOffset.TryParse(after, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                        {
                            return SimResults.Ok(new { error = "updated_after is invalid" }, 400);
                        }

                        updatedAfter = parsed;
                    }
                    var mine = s.MergeRequests.Where(m =>
                        scope switch
                        {
                            "assigned_to_me" => m.AssigneeIds.Contains(caller.Id),
                            "reviews_for_me" => m.ReviewerIds.Contains(caller.Id),
                            "created_by_me" => m.AuthorId == caller.Id,
                            _ => true,
                        } && (updatedAfter is null || m.UpdatedAt >= updatedAfter)
                    );
                    var filtered = WorkItemEndpoints.Filter(
                        mine,
                        parameters,
                        m => m.State,
                        m => m.Labels,
                        m => m.Title,
                        m => m.Description
                    );
                    var byUpdate = parameters.String("order_by") == "updated_at";
                    Func<SimMergeRequest, DateTimeOffset> key = byUpdate ? m => m.UpdatedAt : m => m.CreatedAt;
                    var ordered =
                        parameters.String("sort") == "asc"
                            ? filtered.OrderBy(key).ThenBy(m => m.Id)
                            : filtered.OrderByDescending(key).ThenByDescending(m => m.Id);
                    return SimResults.Page(
                        http,
                        parameters,
                        ordered.ToList(),
                        mr => SimJson.MergeRequest(s, s.Projects.First(project => project.Id == mr.ProjectId), mr, false)
                    );
                })
        );

        api.MapGet(
            "/projects/{id}/merge_requests",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
            {
                var sourceBranch = parameters.String("source_branch");
                var targetBranch = parameters.String("target_branch");
                var assignee = parameters.Long("assignee_id");
                var reviewer = parameters.Long("reviewer_id");
                return store.Read(s =>
                    s.FindProject(id) is { } project
                        ? SimResults.Page(
                            http,
                            parameters,
                            WorkItemEndpoints
                                .Filter(
                                    s.MergeRequests.Where(m => m.ProjectId == project.Id),
                                    parameters,
                                    m => m.State,
                                    m => m.Labels,
                                    m => m.Title,
                                    m => m.Description
                                )
                                .Where(m =>
                                    (sourceBranch is null || m.SourceBranch == sourceBranch)
                                    && (targetBranch is null || m.TargetBranch == targetBranch)
                                    && (assignee is null || m.AssigneeIds.Contains(assignee.Value))
                                    && (reviewer is null || m.ReviewerIds.Contains(reviewer.Value))
                                )
                                .OrderByDescending(m => m.CreatedAt)
                                .ThenByDescending(m => m.Id)
                                .ToList(),
                            mr => SimJson.MergeRequest(s, project, mr, false)
                        )
                        : SimResults.NotFound("Project")
                );
            }
        );

        api.MapGet(
            "/projects/{id}/merge_requests/{iid:long}",
            (SimStore store, SimParams parameters, string id, long iid) =>
                store.Read(s =>
                    With(
                        s,
                        id,
                        iid,
                        (project, mr) =>
                            SimResults.Ok(SimJson.MergeRequest(s, project, mr, parameters.Bool("include_rebase_in_progress") == true))
                    )
                )
        );

        api.MapPost(
            "/projects/{id}/merge_requests",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
                store.Write(s =>
                {
                    if (s.FindProject(id) is not { } project)
                    {
                        return SimResults.NotFound("Project");
                    }

                    foreach (var required in new[] { "source_branch", "target_branch", "title" })
                    {
                        if (parameters.String(required) is not { Length: > 0 })
                        {
                            return SimResults.Missing(required);
                        }
                    }

                    var source = parameters.String("source_branch")!;
                    var target = parameters.String("target_branch")!;
                    if (!project.Branches.ContainsKey(source) || !project.Branches.ContainsKey(target))
                    {
                        return SimResults.Invalid(
                            new
                            {
                                source_branch = project.Branches.ContainsKey(source) ? Array.Empty<string>() : ["is invalid"],
                                target_branch = project.Branches.ContainsKey(target) ? Array.Empty<string>() : ["is invalid"],
                            }
                        );
                    }

                    if (
                        s.MergeRequests.Any(m =>
                            m.ProjectId == project.Id && m.State == "opened" && m.SourceBranch == source && m.TargetBranch == target
                        )
                    )
                    {
                        var open = s.MergeRequests.First(m => m.ProjectId == project.Id && m.State == "opened" && m.SourceBranch == source);
                        return SimResults.Conflict($"Another open merge request already exists for this source branch: !{open.Iid}");
                    }

                    var mr = s.OpenMergeRequest(
                        project,
                        source,
                        target,
                        parameters.String("title")!,
                        parameters.String("description"),
                        parameters.Labels("labels") ?? [],
                        SimCaller.Of(http, s).Id,
                        UserIds(s, parameters, "assignee_ids", "assignee_id") ?? [],
                        UserIds(s, parameters, "reviewer_ids", null) ?? []
                    );
                    return SimResults.Created(SimJson.MergeRequest(s, project, mr, false));
                })
        );

        api.MapPut(
            "/projects/{id}/merge_requests/{iid:long}",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid) =>
                store.Write(s =>
                    With(
                        s,
                        id,
                        iid,
                        (project, mr) =>
                        {
                            var snapshot = MergeRequestSnapshot.Of(mr);
                            mr.Title = parameters.String("title") ?? mr.Title;
                            mr.AssigneeIds = UserIds(s, parameters, "assignee_ids", "assignee_id") ?? mr.AssigneeIds;
                            mr.ReviewerIds = UserIds(s, parameters, "reviewer_ids", null) ?? mr.ReviewerIds;
                            mr.Description = parameters.Has("description") ? parameters.String("description") : mr.Description;
                            mr.TargetBranch = parameters.String("target_branch") ?? mr.TargetBranch;
                            mr.Labels = WorkItemEndpoints.UpdatedLabels(mr.Labels, parameters);
                            var before = mr.State;
                            if (mr.State != "merged")
                            {
                                WorkItemEndpoints.ApplyStateEvent(parameters, s, state => mr.State = state, at => mr.ClosedAt = at);
                            }

                            mr.UpdatedAt = s.Now;
                            var action =
                                mr.State == before ? "update"
                                : mr.State == "closed" ? "close"
                                : "reopen";
                            var changes = SimPayloads.Changes(s, project, snapshot, mr);
                            var payload = SimPayloads.MergeRequest(s, project, mr, action, changes: changes, actor: SimCaller.Of(http, s));
                            s.Emit(project.Id, "Merge Request Hook", "merge_request", payload);
                            return SimResults.Ok(SimJson.MergeRequest(s, project, mr, false));
                        }
                    )
                )
        );

        api.MapPut(
            "/projects/{id}/merge_requests/{iid:long}/rebase",
            (SimStore store, SimParams parameters, string id, long iid) =>
                store.Write(s =>
                    With(
                        s,
                        id,
                        iid,
                        (_, mr) =>
                        {
                            if (mr.State != "opened")
                            {
                                return SimResults.Forbidden();
                            }

                            if (mr.RebaseDoneAt is not null)
                            {
                                return SimResults.Conflict("Rebase is already in progress");
                            }

                            s.StartRebase(mr, parameters.Bool("skip_ci") == true);
                            return SimResults.Ok(new { rebase_in_progress = true }, 202);
                        }
                    )
                )
        );

        api.MapPut(
            "/projects/{id}/merge_requests/{iid:long}/merge",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid) =>
                store.Write(s => With(s, id, iid, (project, mr) => Merge(s, project, mr, parameters, SimCaller.Of(http, s))))
        );

        api.MapGet(
            "/projects/{id}/merge_requests/{iid:long}/approvals",
            (SimStore store, string id, long iid) =>
                store.Read(s =>
                    With(
                        s,
                        id,
                        iid,
                        (_, mr) =>
                            SimResults.Ok(
                                new
                                {
                                    id = mr.Id,
                                    iid = mr.Iid,
                                    project_id = mr.ProjectId,
                                    approved = mr.ApprovedBy.Count > 0,
                                    approvals_required = 0,
                                    approvals_left = 0,
                                    approved_by = mr.ApprovedBy.Select(user => new { user = SimJson.User(s, s.UserById(user)) }).ToArray(),
                                }
                            )
                    )
                )
        );

        api.MapPost(
            "/projects/{id}/merge_requests/{iid:long}/approve",
            (SimStore store, string id, long iid) =>
                store.Write(s =>
                    With(
                        s,
                        id,
                        iid,
                        (_, mr) =>
                        {
                            if (!mr.ApprovedBy.Add(s.Root.Id))
                            {
                                return SimResults.Ok(new { message = "401 Unauthorized" }, 401);
                            }

                            return SimResults.Created(
                                new
                                {
                                    id = mr.Id,
                                    iid = mr.Iid,
                                    approved = true,
                                    approved_by = new[] { new { user = SimJson.User(s, s.Root) } },
                                }
                            );
                        }
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/merge_requests/{iid:long}/changes",
            (SimStore store, string id, long iid) =>
                store.Read(s =>
                    With(
                        s,
                        id,
                        iid,
                        (project, mr) =>
                            SimResults.Ok(
                                new
                                {
                                    id = mr.Id,
                                    iid = mr.Iid,
                                    title = mr.Title,
                                    state = mr.State,
                                    changes = SimStore.Diff(project, mr).Select(SimJson.Diff).ToArray(),
                                }
                            )
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/merge_requests/{iid:long}/diffs",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid) =>
                store.Read(s =>
                    With(s, id, iid, (project, mr) => SimResults.Page(http, parameters, SimStore.Diff(project, mr), SimJson.Diff))
                )
        );

        api.MapGet(
            "/projects/{id}/merge_requests/{iid:long}/versions",
            (SimStore store, string id, long iid) =>
                store.Read(s =>
                    With(
                        s,
                        id,
                        iid,
                        (project, mr) =>
                            SimResults.Ok(mr.Versions.Select(version => Version(mr, version, SimStore.Diff(project, version))).ToArray())
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/merge_requests/{iid:long}/versions/{versionId:long}",
            (SimStore store, string id, long iid, long versionId) =>
                store.Read(s =>
                    With(
                        s,
                        id,
                        iid,
                        (project, mr) =>
                            mr.Versions.FirstOrDefault(version => version.Id == versionId) is { } version
                                ? SimResults.Ok(VersionDetail(s, project, mr, version))
                                : SimResults.NotFound("")
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/merge_requests/{iid:long}/commits",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid) =>
                store.Read(s =>
                    With(
                        s,
                        id,
                        iid,
                        (project, mr) =>
                            SimResults.Page(http, parameters, CommitsOf(project, mr), commit => SimJson.Commit(s, project, commit))
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/merge_requests/{iid:long}/merge_ref",
            (SimStore store, string id, long iid) =>
                store.Write(s =>
                    With(
                        s,
                        id,
                        iid,
                        (project, mr) =>
                            mr.State == "opened" && s.MergeRef(project, mr) is { } sha
                                ? SimResults.Ok(new { commit_id = sha })
                                : SimResults.Ok(new { message = "Merge request is not mergeable" }, 400)
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/merge_requests/{iid:long}/notes",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid) =>
                store.Read(s =>
                    With(
                        s,
                        id,
                        iid,
                        (_, mr) =>
                            SimResults.Page(
                                http,
                                parameters,
                                s.Notes.Where(n => n.NoteableType == "MergeRequest" && n.NoteableId == mr.Id)
                                    .OrderByDescending(n => n.Id)
                                    .ToList(),
                                note => SimJson.Note(s, note)
                            )
                    )
                )
        );

        api.MapPost(
            "/projects/{id}/merge_requests/{iid:long}/notes",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid) =>
                store.Write(s =>
                    With(
                        s,
                        id,
                        iid,
                        (project, mr) =>
                            parameters.String("body") is { Length: > 0 } body
                                ? SimResults.Created(SimJson.Note(s, s.AddNote(project, mr, SimCaller.Of(http, s), body)))
                                : SimResults.Missing("body")
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/merge_requests/{iid:long}/discussions",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid) =>
                store.Read(s =>
                    With(
                        s,
                        id,
                        iid,
                        (_, mr) =>
                            SimResults.Page(
                                http,
                                parameters,
                                s.Notes.Where(n => n.NoteableType == "MergeRequest" && n.NoteableId == mr.Id)
                                    .GroupBy(n => n.DiscussionId)
                                    .ToList(),
                                thread => SimJson.Discussion(s, thread.Key, thread)
                            )
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/merge_requests/{iid:long}/discussions/{discussionId}",
            (SimStore store, string id, long iid, string discussionId) =>
                store.Read(s =>
                    With(
                        s,
                        id,
                        iid,
                        (_, mr) =>
                            s
                                .Notes.Where(n =>
                                    n.NoteableType == "MergeRequest" && n.NoteableId == mr.Id && n.DiscussionId == discussionId
                                )
                                .ToList()
                                is { Count: > 0 } thread
                                ? SimResults.Ok(SimJson.Discussion(s, discussionId, thread))
                                : SimResults.NotFound("Discussion")
                    )
                )
        );

        api.MapPost(
            "/projects/{id}/merge_requests/{iid:long}/discussions",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid) =>
                store.Write(s =>
                    With(
                        s,
                        id,
                        iid,
                        (project, mr) =>
                        {
                            if (parameters.String("body") is not { Length: > 0 } body)
                            {
                                return SimResults.Missing("body");
                            }

                            var position = parameters.Raw("position");
                            if (position is { } given && PositionError(project, mr, given) is { } error)
                            {
                                return SimResults.BadRequest(error);
                            }

                            var discussionId = s.NewSha();
                            var stored = position is { } placed ? StoredPosition(placed) : (JsonElement?)null;
                            var note = s.AddNote(project, mr, SimCaller.Of(http, s), body, stored, discussionId);
                            return SimResults.Created(SimJson.Discussion(s, discussionId, [note]));
                        }
                    )
                )
        );
    }

    /// <summary>
    /// Users named by <c>assignee_ids</c> / <c>reviewer_ids</c> (a list, or <c>0</c> / empty to clear) or a single
    /// <c>assignee_id</c>, known users only; null when the request names none.
    /// </summary>
    private static List<long>? UserIds(SimStore store, SimParams parameters, string list, string? single)
    {
        var raw = parameters.Labels(list) ?? parameters.Labels(list + "[]") ?? (single is null ? null : parameters.Labels(single));
        return raw
            ?.Select(value => long.TryParse(value, out var userId) ? userId : 0)
            .Where(userId => userId > 0 && store.Users.Any(user => user.Id == userId))
            .Distinct()
            .ToList();
    }

    /// <summary>The project's merge request, or GitLab's 404 for the project or the merge request.</summary>
    internal static IResult With(SimStore store, string id, long iid, Func<SimProject, SimMergeRequest, IResult> action) =>
        store.FindProject(id) is not { } project ? SimResults.NotFound("Project")
        : store.MergeRequests.FirstOrDefault(m => m.ProjectId == project.Id && m.Iid == iid) is { } mr ? action(project, mr)
        : SimResults.NotFound("Merge Request");
}

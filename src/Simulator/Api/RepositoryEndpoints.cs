using System.Text.Json;
using GitLabBus.Simulator.Git;
using GitLabBus.Simulator.State;
using LibGit2Sharp;

namespace GitLabBus.Simulator.Api;

/// <summary>Branches, commits (GitLab's way to push through the API), cherry-picks and compare, over the project's repository.</summary>
public static class RepositoryEndpoints
{
    private const string CherryPickRefused =
        "Sorry, we cannot cherry-pick this commit automatically. This commit may already have been cherry-picked, or a more recent "
        + "commit may have updated some of its content.";

    public static void MapRepository(this RouteGroupBuilder api)
    {
        api.MapGet(
            "/projects/{id}/repository/branches",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
                store.Read(s =>
                    InProject(
                        s,
                        id,
                        project =>
                            SimResults.Page(
                                http,
                                parameters,
                                [
                                    .. project
                                        .Branches.Values.Where(b =>
                                            parameters.String("search") is not { } search || b.Name.Contains(search)
                                        )
                                        .OrderBy(b => b.Name, StringComparer.Ordinal),
                                ],
                                branch => SimJson.Branch(s, project, branch)
                            )
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/repository/branches/{*branch}",
            (SimStore store, string id, string branch) =>
                store.Read(s =>
                    InProject(
                        s,
                        id,
                        project =>
                            project.Branches.TryGetValue(Uri.UnescapeDataString(branch), out var found)
                                ? SimResults.Ok(SimJson.Branch(s, project, found))
                                : SimResults.NotFound("Branch")
                    )
                )
        );

        api.MapPost(
            "/projects/{id}/repository/branches",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
                store.Write(s => InProject(s, id, project => CreateBranch(s, project, parameters, SimCaller.Of(http, s))))
        );

        api.MapDelete(
            "/projects/{id}/repository/branches/{*branch}",
            (SimStore store, string id, string branch) =>
                store.Write(s =>
                    InProject(
                        s,
                        id,
                        project =>
                        {
                            var name = Uri.UnescapeDataString(branch);
                            if (name == project.DefaultBranch)
                            {
                                return SimResults.BadRequest("Cannot remove the default branch");
                            }

                            return project.Branches.Remove(name) ? SimResults.NoContent() : SimResults.NotFound("Branch");
                        }
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/repository/commits",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
                store.Read(s => InProject(s, id, project => ListCommits(http, s, project, parameters)))
        );

        api.MapPost(
            "/projects/{id}/repository/commits",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
                store.Write(s => InProject(s, id, project => CreateCommit(s, project, parameters, SimCaller.Of(http, s))))
        );

        api.MapGet(
            "/projects/{id}/repository/commits/{sha}",
            (SimStore store, string id, string sha) =>
                store.Read(s =>
                    InProject(
                        s,
                        id,
                        project =>
                            SimStore.Resolve(project, Uri.UnescapeDataString(sha)) is { } commit
                                ? SimResults.Ok(SimJson.CommitDetail(s, project, commit))
                                : SimResults.NotFound("Commit")
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/repository/commits/{sha}/diff",
            (HttpContext http, SimStore store, SimParams parameters, string id, string sha) =>
                store.Read(s =>
                    InProject(
                        s,
                        id,
                        project =>
                            SimStore.Resolve(project, Uri.UnescapeDataString(sha)) is { } commit
                                ? SimResults.Page(http, parameters, project.Repository.ChangesOf(commit), SimJson.Diff)
                                : SimResults.NotFound("Commit")
                    )
                )
        );

        api.MapPost(
            "/projects/{id}/repository/commits/{sha}/cherry_pick",
            (HttpContext http, SimStore store, SimParams parameters, string id, string sha) =>
                store.Write(s => InProject(s, id, project => CherryPick(s, project, sha, parameters, SimCaller.Of(http, s))))
        );

        api.MapGet(
            "/projects/{id}/repository/compare",
            (SimStore store, SimParams parameters, string id) =>
                store.Read(s => InProject(s, id, project => Compare(s, project, parameters)))
        );
    }

    /// <summary>The project, or GitLab's 404 for it.</summary>
    internal static IResult InProject(SimStore store, string id, Func<SimProject, IResult> action) =>
        store.FindProject(id) is { } project ? action(project) : SimResults.NotFound("Project");

    private static IResult CreateBranch(SimStore store, SimProject project, SimParams parameters, SimUser caller)
    {
        if (parameters.String("branch") is not { Length: > 0 } name)
        {
            return SimResults.Missing("branch");
        }

        if (parameters.String("ref") is not { Length: > 0 } fromRef)
        {
            return SimResults.Missing("ref");
        }

        if (project.Branches.ContainsKey(name))
        {
            return SimResults.BadRequest("Branch already exists");
        }

        if (SimStore.Resolve(project, fromRef) is not { } from)
        {
            return SimResults.BadRequest("Invalid reference name: " + fromRef);
        }

        var created = SimStore.CreateBranch(project, name, from);
        // GitLab's hook for a branch made from an existing commit: before all zeros, no commits.
        store.Emit(project.Id, "Push Hook", "push", SimPayloads.Push(store, project, created, SimStore.NoCommit, [], caller));
        return SimResults.Created(SimJson.Branch(store, project, created));
    }

    private static IResult ListCommits(HttpContext http, SimStore store, SimProject project, SimParams parameters)
    {
        if (SimStore.Resolve(project, parameters.String("ref_name") ?? project.DefaultBranch) is not { } head)
        {
            return SimResults.NotFound("Commit");
        }

        IEnumerable<Commit> commits = project.Repository.Log(head);
        if (parameters.Bool("first_parent") == true)
        {
            commits = FirstParents(head);
        }

        if (parameters.String("path") is { Length: > 0 } path)
        {
            commits = commits.Where(commit => commit[path]?.Target.Id != commit.Parents.FirstOrDefault()?[path]?.Target.Id);
        }

        if (DateTimeOffset.TryParse(parameters.String("since"), System.Globalization.CultureInfo.InvariantCulture, out var since))
        {
            commits = commits.Where(commit => commit.Committer.When >= since);
        }

        if (DateTimeOffset.TryParse(parameters.String("until"), System.Globalization.CultureInfo.InvariantCulture, out var until))
        {
            commits = commits.Where(commit => commit.Committer.When <= until);
        }

        var withStats = parameters.Bool("with_stats") == true;
        return SimResults.Page(
            http,
            parameters,
            commits.ToList(),
            commit => withStats ? SimJson.CommitDetail(store, project, commit) : SimJson.Commit(store, project, commit)
        );
    }

    private static IEnumerable<Commit> FirstParents(Commit head)
    {
        for (Commit? commit = head; commit is not null; commit = commit.Parents.FirstOrDefault())
        {
            yield return commit;
        }
    }

    private static IResult CreateCommit(SimStore store, SimProject project, SimParams parameters, SimUser caller)
    {
        var missing = new[] { "branch", "commit_message", "actions" }.Where(name => !parameters.Has(name)).ToList();
        if (missing.Count > 0)
        {
            return SimResults.Missing(missing);
        }

        if (Actions(parameters.Raw("actions")!.Value) is not { } actions)
        {
            return SimResults.Ok(new { error = "actions[action] does not have a valid value" }, 400);
        }

        return OnBranch(
            store,
            project,
            parameters,
            caller,
            branch =>
                SimResults.Created(
                    SimJson.CommitDetail(
                        store,
                        project,
                        store.CommitTo(project, branch, parameters.String("commit_message")!, actions, caller)
                    )
                )
        );
    }

    /// <summary>
    /// Runs a commit on the request's <c>branch</c>, made from <c>start_branch</c> / <c>start_sha</c> when it does not exist,
    /// and answers GitLab's 400 when the commit is refused; the branch made for a refused commit is not kept.
    /// </summary>
    internal static IResult OnBranch(
        SimStore store,
        SimProject project,
        SimParams parameters,
        SimUser caller,
        Func<SimBranch, IResult> commit
    )
    {
        var name = parameters.String("branch")!;
        var made = false;
        if (!project.Branches.TryGetValue(name, out var branch))
        {
            var start = parameters.String("start_branch") ?? parameters.String("start_sha");
            if (SimStore.Resolve(project, start) is not { } from)
            {
                return SimResults.Ok(new { message = "You can only create or edit files when you are on a branch" }, 400);
            }

            branch = SimStore.CreateBranch(project, name, from);
            made = true;
        }

        try
        {
            return commit(branch);
        }
        catch (Exception refused) when (refused is CommitRefusedException or FormatException)
        {
            if (made)
            {
                project.Branches.Remove(name);
            }

            var message = refused is CommitRefusedException ? refused.Message : "content is not valid Base64";
            return SimResults.Ok(new { message }, 400);
        }
    }

    /// <summary>A commit's actions as GitLab takes them, or null when one is not an action GitLab knows.</summary>
    private static List<FileAction>? Actions(JsonElement actions)
    {
        if (actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0)
        {
            return null;
        }

        var parsed = new List<FileAction>();
        foreach (var action in actions.EnumerateArray())
        {
            string? Text(string name) =>
                action.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (
                action.ValueKind != JsonValueKind.Object
                || Text("action") is not { } kind
                || !FileAction.Kinds.Contains(kind)
                || Text("file_path") is not { Length: > 0 } path
            )
            {
                return null;
            }

            parsed.Add(
                new FileAction(
                    kind,
                    path,
                    Text("previous_path"),
                    Text("content"),
                    Text("encoding") == "base64",
                    action.TryGetProperty("execute_filemode", out var mode) && mode.ValueKind is JsonValueKind.True or JsonValueKind.False
                        ? mode.GetBoolean()
                        : null,
                    Text("last_commit_id")
                )
            );
        }

        return parsed;
    }

    private static IResult CherryPick(SimStore store, SimProject project, string sha, SimParams parameters, SimUser caller)
    {
        if (parameters.String("branch") is not { Length: > 0 } name)
        {
            return SimResults.Missing("branch");
        }

        if (project.Repository.Find(Uri.UnescapeDataString(sha)) is not { } commit)
        {
            return SimResults.NotFound("Commit");
        }

        if (!project.Branches.TryGetValue(name, out var branch))
        {
            return SimResults.NotFound("Branch");
        }

        var onto = SimStore.HeadOf(project, branch);
        var (tree, failure) = project.Repository.CherryPick(commit, onto);
        if (tree is null)
        {
            var code = failure == CherryPickFailure.Empty ? "empty" : "conflict";
            return SimResults.Ok(new { message = CherryPickRefused, error_code = code }, 400);
        }

        if (parameters.Bool("dry_run") == true)
        {
            return SimResults.Ok(new { dry_run = "success" });
        }

        var message = parameters.String("message") ?? $"{commit.Message.TrimEnd('\n')}\n\n(cherry picked from commit {commit.Sha})\n";
        var picked = project.Repository.CommitTree(tree, message, commit.Author, store.SignatureOf(caller), [onto]);
        store.MoveBranch(project, branch, picked, caller);
        return SimResults.Created(SimJson.Commit(store, project, picked));
    }

    private static IResult Compare(SimStore store, SimProject project, SimParams parameters)
    {
        if (parameters.String("from") is not { Length: > 0 } fromRef)
        {
            return SimResults.Missing("from");
        }

        if (parameters.String("to") is not { Length: > 0 } toRef)
        {
            return SimResults.Missing("to");
        }

        if (SimStore.Resolve(project, fromRef) is not { } from || SimStore.Resolve(project, toRef) is not { } to)
        {
            return SimResults.NotFound("Ref");
        }

        var repository = project.Repository;
        // straight=true compares the two trees (from..to); by default GitLab compares from their merge base (from...to).
        var start = parameters.Bool("straight") == true ? from : repository.MergeBase(from, to) ?? from;
        var commits = repository.Log(to, from).Reverse().ToList();
        return SimResults.Ok(
            new
            {
                commit = commits.Count > 0 ? SimJson.Commit(store, project, to) : null,
                commits = commits.Select(commit => SimJson.Commit(store, project, commit)).ToArray(),
                diffs = repository.Diff(start.Tree, to.Tree).Select(SimJson.Diff).ToArray(),
                compare_timeout = false,
                compare_same_ref = fromRef == toRef,
                web_url = $"{store.WebUrl(project.FullPath)}/-/compare/{from.Sha}...{to.Sha}",
            }
        );
    }
}

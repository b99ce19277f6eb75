using System.Text.Json;
using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Api;

/// <summary>Version, groups, projects, labels, branches, and commits (GitLab's way to push through the API).</summary>
public static class ProjectEndpoints
{
    public static void MapProjects(this RouteGroupBuilder api)
    {
        api.MapGet("/version", () => SimResults.Ok(new { version = "17.11.0-simulator", revision = "gitlabbus" }));

        api.MapGet(
            "/groups/{id}",
            (SimStore store, string id) =>
                store.Read(s => s.FindGroup(id) is { } group ? SimResults.Ok(SimJson.Group(s, group)) : SimResults.NotFound("Group"))
        );

        api.MapGet(
            "/projects",
            (HttpContext http, SimStore store, SimParams parameters) =>
            {
                var search = parameters.String("search");
                return store.Read(s =>
                    SimResults.Page(
                        http,
                        parameters,
                        [
                            .. s.Projects.Where(p =>
                                search is null
                                || p.FullPath.Contains(search, StringComparison.OrdinalIgnoreCase)
                                || p.Name.Contains(search, StringComparison.OrdinalIgnoreCase)
                            ),
                        ],
                        p => SimJson.Project(s, p)
                    )
                );
            }
        );

        api.MapGet(
            "/projects/{id}",
            (SimStore store, string id) =>
                store.Read(s =>
                    s.FindProject(id) is { } project ? SimResults.Ok(SimJson.Project(s, project)) : SimResults.NotFound("Project")
                )
        );

        api.MapPut(
            "/projects/{id}",
            (SimStore store, SimParams parameters, string id) =>
                store.Write(s => s.FindProject(id) is { } project ? UpdateSettings(s, project, parameters) : SimResults.NotFound("Project"))
        );

        // Like GitLab, both lists include the labels of ancestor groups unless include_ancestor_groups=false.
        api.MapGet(
            "/projects/{id}/labels",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
                store.Read(s =>
                    s.FindProject(id) is { } project
                        ? SimResults.Page(
                            http,
                            parameters,
                            [.. project.Labels, .. InheritedLabels(s, project.Group, parameters)],
                            label => SimJson.Label(label)
                        )
                        : SimResults.NotFound("Project")
                )
        );

        api.MapGet(
            "/groups/{id}/labels",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
                store.Read(s =>
                    s.FindGroup(id) is { } group
                        ? SimResults.Page(http, parameters, InheritedLabels(s, group, parameters).ToList(), label => SimJson.Label(label))
                        : SimResults.NotFound("Group")
                )
        );

        api.MapPost(
            "/groups/{id}/labels",
            (SimStore store, SimParams parameters, string id) =>
                store.Write(s => s.FindGroup(id) is not { } group ? SimResults.NotFound("Group") : AddLabel(s, group.Labels, parameters))
        );

        api.MapPost(
            "/projects/{id}/labels",
            (SimStore store, SimParams parameters, string id) =>
                store.Write(s =>
                    s.FindProject(id) is not { } project ? SimResults.NotFound("Project") : AddLabel(s, project.Labels, parameters)
                )
        );

        api.MapGet(
            "/projects/{id}/repository/branches",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
                store.Read(s =>
                    s.FindProject(id) is { } project
                        ? SimResults.Page(
                            http,
                            parameters,
                            [.. project.Branches.Values.OrderBy(b => b.Name, StringComparer.Ordinal)],
                            branch => SimJson.Branch(s, project, branch)
                        )
                        : SimResults.NotFound("Project")
                )
        );

        api.MapGet(
            "/projects/{id}/repository/branches/{*branch}",
            (SimStore store, string id, string branch) =>
                store.Read(s =>
                    s.FindProject(id) is not { } project ? SimResults.NotFound("Project")
                    : project.Branches.TryGetValue(Uri.UnescapeDataString(branch), out var found)
                        ? SimResults.Ok(SimJson.Branch(s, project, found))
                    : SimResults.NotFound("Branch")
                )
        );

        api.MapPost(
            "/projects/{id}/repository/branches",
            (SimStore store, SimParams parameters, string id) =>
                store.Write(s =>
                {
                    if (s.FindProject(id) is not { } project)
                    {
                        return SimResults.NotFound("Project");
                    }

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

                    if (!project.Branches.ContainsKey(fromRef) && !project.Branches.Values.Any(b => b.Contains(fromRef)))
                    {
                        return SimResults.BadRequest("Invalid reference name: " + fromRef);
                    }

                    var created = s.CreateBranch(project, name, fromRef);
                    s.Emit(
                        project.Id,
                        "Push Hook",
                        "push",
                        SimPayloads.Push(s, project, created, new string('0', 40), created.History[^1], created: true)
                    );
                    return SimResults.Created(SimJson.Branch(s, project, created));
                })
        );

        api.MapDelete(
            "/projects/{id}/repository/branches/{*branch}",
            (SimStore store, string id, string branch) =>
                store.Write(s =>
                {
                    if (s.FindProject(id) is not { } project)
                    {
                        return SimResults.NotFound("Project");
                    }

                    var name = Uri.UnescapeDataString(branch);
                    if (name == project.DefaultBranch)
                    {
                        return SimResults.BadRequest("Cannot remove the default branch");
                    }

                    return project.Branches.Remove(name) ? SimResults.NoContent() : SimResults.NotFound("Branch");
                })
        );

        api.MapPost(
            "/projects/{id}/repository/commits",
            (SimStore store, SimParams parameters, string id) =>
                store.Write(s =>
                {
                    if (s.FindProject(id) is not { } project)
                    {
                        return SimResults.NotFound("Project");
                    }

                    var missing = new[] { "branch", "commit_message", "actions" }.Where(name => !parameters.Has(name)).ToList();
                    if (missing.Count > 0)
                    {
                        return SimResults.Ok(new { error = string.Join(", ", missing.Select(name => name + " is missing")) }, 400);
                    }

                    if (CommitFiles(parameters.Raw("actions")!.Value) is not { } files)
                    {
                        return SimResults.Ok(new { error = "actions[action] does not have a valid value" }, 400);
                    }

                    var name = parameters.String("branch")!;
                    if (!project.Branches.TryGetValue(name, out var branch))
                    {
                        if (parameters.String("start_branch") is not { Length: > 0 } start || !project.Branches.ContainsKey(start))
                        {
                            return SimResults.Ok(new { message = "You can only create or edit files when you are on a branch" }, 400);
                        }

                        branch = s.CreateBranch(project, name, start);
                    }

                    return SimResults.Created(
                        SimJson.Commit(s, project, s.Push(project, branch, parameters.String("commit_message")!, files))
                    );
                })
        );
    }

    /// <summary>The paths a commit's actions touch, or null when an action is not one GitLab knows.</summary>
    private static List<string>? CommitFiles(JsonElement actions)
    {
        if (actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0)
        {
            return null;
        }

        var files = new List<string>();
        foreach (var action in actions.EnumerateArray())
        {
            if (
                action.ValueKind != JsonValueKind.Object
                || !action.TryGetProperty("action", out var kind)
                || kind.GetString() is not ("create" or "update" or "delete" or "move" or "chmod")
                || !action.TryGetProperty("file_path", out var path)
                || path.GetString() is not { Length: > 0 } file
            )
            {
                return null;
            }

            files.Add(file);
            if (action.TryGetProperty("previous_path", out var previous) && previous.GetString() is { Length: > 0 } moved)
            {
                files.Add(moved);
            }
        }

        return files;
    }

    private static IEnumerable<SimLabel> InheritedLabels(SimStore store, SimGroup group, SimParams parameters) =>
        parameters.String("include_ancestor_groups") == "false" ? group.Labels : store.GroupAndAncestors(group).SelectMany(g => g.Labels);

    private static IResult AddLabel(SimStore store, List<SimLabel> labels, SimParams parameters)
    {
        if (parameters.String("name") is not { Length: > 0 } name)
        {
            return SimResults.Missing("name");
        }

        if (labels.Any(label => string.Equals(label.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return SimResults.Conflict("Label already exists");
        }

        var created = new SimLabel
        {
            Id = store.NewId(),
            Name = name,
            Color = parameters.String("color") ?? "#428BCA",
            Description = parameters.String("description"),
        };
        labels.Add(created);
        return SimResults.Created(SimJson.Label(created));
    }

    private static readonly string[] MergeMethods = ["merge", "rebase_merge", "ff"];
    private static readonly string[] SquashOptions = ["never", "always", "default_on", "default_off"];

    /// <summary>
    /// The settings a merge queue cares about, with GitLab's answers: <c>merge_method</c>,
    /// <c>only_allow_merge_if_pipeline_succeeds</c>, <c>allow_merge_on_skipped_pipeline</c>, <c>squash_option</c>, and the
    /// description. A value GitLab does not know is a 400 naming the field; nothing is changed then.
    /// </summary>
    private static IResult UpdateSettings(SimStore store, SimProject project, SimParams parameters)
    {
        var mergeMethod = parameters.String("merge_method");
        var squash = parameters.String("squash_option");
        var invalid =
            mergeMethod is not null && !MergeMethods.Contains(mergeMethod) ? "merge_method"
            : squash is not null && !SquashOptions.Contains(squash) ? "squash_option"
            : null;
        if (invalid is not null)
        {
            return SimResults.Ok(new { error = $"{invalid} does not have a valid value" }, 400);
        }

        project.MergeMethod = mergeMethod ?? project.MergeMethod;
        project.SquashOption = squash ?? project.SquashOption;
        project.OnlyAllowMergeIfPipelineSucceeds =
            parameters.Bool("only_allow_merge_if_pipeline_succeeds") ?? project.OnlyAllowMergeIfPipelineSucceeds;
        project.AllowMergeOnSkippedPipeline = parameters.Bool("allow_merge_on_skipped_pipeline") ?? project.AllowMergeOnSkippedPipeline;
        project.Description = parameters.Has("description") ? parameters.String("description") ?? "" : project.Description;
        project.LastActivityAt = store.Now;
        return SimResults.Ok(SimJson.Project(store, project));
    }
}

using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Api;

/// <summary>Version, groups, projects and their settings, labels.</summary>
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
                // As GitLab: membership=true limits the list to the caller's projects, an administrator's too.
                var membership = parameters.Bool("membership") == true;
                return store.Read(s =>
                {
                    var caller = SimCaller.Of(http, s);
                    return SimResults.Page(
                        http,
                        parameters,
                        [
                            .. s.Projects.Where(p =>
                                (!membership || p.Members.ContainsKey(caller.Id))
                                && (
                                    search is null
                                    || p.FullPath.Contains(search, StringComparison.OrdinalIgnoreCase)
                                    || p.Name.Contains(search, StringComparison.OrdinalIgnoreCase)
                                )
                            ),
                        ],
                        p => SimJson.Project(s, p)
                    );
                });
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

using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Api;

/// <summary>Group epics (the deprecated but served REST API) and project issues, with GitLab's filters.</summary>
public static class WorkItemEndpoints
{
    public static void MapWorkItems(this RouteGroupBuilder api)
    {
        api.MapGet(
            "/groups/{id}/epics",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
                store.Read(s =>
                    s.FindGroup(id) is not { } group ? SimResults.NotFound("Group")
                    : !group.EpicsEnabled ? SimResults.Forbidden()
                    : SimResults.Page(
                        http,
                        parameters,
                        Filter(
                                s.Epics.Where(e => e.GroupId == group.Id),
                                parameters,
                                e => e.State,
                                e => e.Labels,
                                e => e.Title,
                                e => e.Description
                            )
                            .OrderByDescending(e => e.CreatedAt)
                            .ThenByDescending(e => e.Id)
                            .ToList(),
                        epic => SimJson.Epic(s, epic)
                    )
                )
        );

        api.MapGet(
            "/groups/{id}/epics/{iid:long}",
            (SimStore store, string id, long iid) =>
                store.Read(s => FindEpic(s, id, iid) is { } epic ? SimResults.Ok(SimJson.Epic(s, epic)) : SimResults.NotFound("Epic"))
        );

        api.MapPost(
            "/groups/{id}/epics",
            (SimStore store, SimParams parameters, string id) =>
                store.Write(s =>
                {
                    if (s.FindGroup(id) is not { } group)
                    {
                        return SimResults.NotFound("Group");
                    }

                    if (parameters.String("title") is not { Length: > 0 } title)
                    {
                        return SimResults.Missing("title");
                    }

                    var epic = new SimEpic
                    {
                        Id = s.NewId(),
                        Iid = s.Epics.Where(e => e.GroupId == group.Id).Select(e => e.Iid).DefaultIfEmpty().Max() + 1,
                        GroupId = group.Id,
                        Title = title,
                        Description = parameters.String("description"),
                        Labels = parameters.Labels("labels") ?? [],
                        ParentId = parameters.Long("parent_id"),
                        AuthorId = s.Root.Id,
                        CreatedAt = s.Now,
                        UpdatedAt = s.Now,
                    };
                    s.Epics.Add(epic);
                    EnsureLabels(s, group, epic.Labels);
                    return SimResults.Created(SimJson.Epic(s, epic));
                })
        );

        api.MapPut(
            "/groups/{id}/epics/{iid:long}",
            (SimStore store, SimParams parameters, string id, long iid) =>
                store.Write(s =>
                {
                    if (FindEpic(s, id, iid) is not { } epic)
                    {
                        return SimResults.NotFound("Epic");
                    }

                    epic.Title = parameters.String("title") ?? epic.Title;
                    epic.Description = parameters.Has("description") ? parameters.String("description") : epic.Description;
                    epic.Labels = UpdatedLabels(epic.Labels, parameters);
                    ApplyStateEvent(parameters, s, state => epic.State = state, at => epic.ClosedAt = at);
                    epic.UpdatedAt = s.Now;
                    EnsureLabels(s, s.Groups.First(g => g.Id == epic.GroupId), epic.Labels);
                    return SimResults.Ok(SimJson.Epic(s, epic));
                })
        );

        api.MapGet(
            "/groups/{id}/epics/{iid:long}/issues",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid) =>
                store.Read(s =>
                    FindEpic(s, id, iid) is { } epic
                        ? SimResults.Page(
                            http,
                            parameters,
                            s.Issues.Where(i => i.EpicId == epic.Id).ToList(),
                            issue => SimJson.Issue(s, issue)
                        )
                        : SimResults.NotFound("Epic")
                )
        );

        api.MapPost(
            "/groups/{id}/epics/{iid:long}/issues/{issueId:long}",
            (SimStore store, string id, long iid, long issueId) =>
                store.Write(s =>
                {
                    if (FindEpic(s, id, iid) is not { } epic)
                    {
                        return SimResults.NotFound("Epic");
                    }

                    if (s.Issues.FirstOrDefault(i => i.Id == issueId) is not { } issue)
                    {
                        return SimResults.NotFound("Issue");
                    }

                    issue.EpicId = epic.Id;
                    issue.UpdatedAt = s.Now;
                    return SimResults.Created(
                        new
                        {
                            id = s.NewId(),
                            epic = SimJson.Epic(s, epic),
                            issue = SimJson.Issue(s, issue),
                        }
                    );
                })
        );

        api.MapGet(
            "/projects/{id}/issues",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
                store.Read(s =>
                    s.FindProject(id) is { } project
                        ? SimResults.Page(
                            http,
                            parameters,
                            Filter(
                                    s.Issues.Where(i => i.ProjectId == project.Id),
                                    parameters,
                                    i => i.State,
                                    i => i.Labels,
                                    i => i.Title,
                                    i => i.Description
                                )
                                .OrderByDescending(i => i.CreatedAt)
                                .ThenByDescending(i => i.Id)
                                .ToList(),
                            issue => SimJson.Issue(s, issue)
                        )
                        : SimResults.NotFound("Project")
                )
        );

        api.MapGet(
            "/projects/{id}/issues/{iid:long}",
            (SimStore store, string id, long iid) =>
                store.Read(s => FindIssue(s, id, iid) is { } issue ? SimResults.Ok(SimJson.Issue(s, issue)) : SimResults.NotFound("Issue"))
        );

        api.MapGet(
            "/projects/{id}/issues/{iid:long}/notes",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid) =>
                store.Read(s =>
                    FindIssue(s, id, iid) is { } issue
                        ? SimResults.Page(
                            http,
                            parameters,
                            s.Notes.Where(n => n.NoteableType == "Issue" && n.NoteableId == issue.Id).OrderByDescending(n => n.Id).ToList(),
                            note => SimJson.Note(s, note)
                        )
                        : SimResults.NotFound("Issue")
                )
        );

        api.MapPost(
            "/projects/{id}/issues/{iid:long}/notes",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid) =>
                store.Write(s =>
                    s.FindProject(id) is not { } project ? SimResults.NotFound("Project")
                    : FindIssue(s, id, iid) is not { } issue ? SimResults.NotFound("Issue")
                    : parameters.String("body") is not { Length: > 0 } body ? SimResults.Missing("body")
                    : SimResults.Created(SimJson.Note(s, s.AddNote(project, issue, SimCaller.Of(http, s), body)))
                )
        );

        api.MapPost(
            "/projects/{id}/issues",
            (SimStore store, SimParams parameters, string id) =>
                store.Write(s =>
                {
                    if (s.FindProject(id) is not { } project)
                    {
                        return SimResults.NotFound("Project");
                    }

                    if (parameters.String("title") is not { Length: > 0 } title)
                    {
                        return SimResults.Missing("title");
                    }

                    var epicId = parameters.Long("epic_id");
                    if (epicId is { } wanted && s.Epics.All(e => e.Id != wanted))
                    {
                        return SimResults.NotFound("Epic");
                    }

                    var issue = new SimIssue
                    {
                        Id = s.NewId(),
                        Iid = project.NextIssueIid++,
                        ProjectId = project.Id,
                        Title = title,
                        Description = parameters.String("description"),
                        Labels = parameters.Labels("labels") ?? [],
                        EpicId = epicId,
                        AuthorId = s.Root.Id,
                        CreatedAt = s.Now,
                        UpdatedAt = s.Now,
                    };
                    s.Issues.Add(issue);
                    EnsureLabels(s, project, issue.Labels);
                    s.Emit(project.Id, "Issue Hook", "issue", SimPayloads.Issue(s, project, issue, "open"));
                    return SimResults.Created(SimJson.Issue(s, issue));
                })
        );

        api.MapPut(
            "/projects/{id}/issues/{iid:long}",
            (SimStore store, SimParams parameters, string id, long iid) =>
                store.Write(s =>
                {
                    if (FindIssue(s, id, iid) is not { } issue)
                    {
                        return SimResults.NotFound("Issue");
                    }

                    var project = s.Projects.First(p => p.Id == issue.ProjectId);
                    var before = issue.State;
                    issue.Title = parameters.String("title") ?? issue.Title;
                    issue.Description = parameters.Has("description") ? parameters.String("description") : issue.Description;
                    issue.Labels = UpdatedLabels(issue.Labels, parameters);
                    if (parameters.Has("epic_id"))
                    {
                        issue.EpicId = parameters.Long("epic_id") is { } epicId and > 0 ? epicId : null;
                    }

                    ApplyStateEvent(parameters, s, state => issue.State = state, at => issue.ClosedAt = at);
                    issue.UpdatedAt = s.Now;
                    EnsureLabels(s, project, issue.Labels);
                    var action =
                        issue.State == before ? "update"
                        : issue.State == "closed" ? "close"
                        : "reopen";
                    s.Emit(project.Id, "Issue Hook", "issue", SimPayloads.Issue(s, project, issue, action));
                    return SimResults.Ok(SimJson.Issue(s, issue));
                })
        );
    }

    private static SimEpic? FindEpic(SimStore store, string group, long iid) =>
        store.FindGroup(group) is { } found ? store.Epics.FirstOrDefault(e => e.GroupId == found.Id && e.Iid == iid) : null;

    private static SimIssue? FindIssue(SimStore store, string project, long iid) =>
        store.FindProject(project) is { } found ? store.Issues.FirstOrDefault(i => i.ProjectId == found.Id && i.Iid == iid) : null;

    /// <summary>GitLab's <c>state</c> (opened, closed, all), <c>labels</c> (all of them), <c>search</c> (title or description).</summary>
    internal static IEnumerable<T> Filter<T>(
        IEnumerable<T> items,
        SimParams parameters,
        Func<T, string> state,
        Func<T, List<string>> labels,
        Func<T, string> title,
        Func<T, string?> description
    )
    {
        var wantedState = parameters.String("state");
        var wantedLabels = parameters.Labels("labels") ?? [];
        var search = parameters.String("search");
        return items.Where(item =>
            (wantedState is null or "all" || state(item) == wantedState)
            && wantedLabels.All(label =>
                label.Equals("None", StringComparison.OrdinalIgnoreCase) ? labels(item).Count == 0
                : label.Equals("Any", StringComparison.OrdinalIgnoreCase) ? labels(item).Count > 0
                : labels(item).Contains(label, StringComparer.OrdinalIgnoreCase)
            )
            && (
                search is null
                || title(item).Contains(search, StringComparison.OrdinalIgnoreCase)
                || description(item)?.Contains(search, StringComparison.OrdinalIgnoreCase) == true
            )
        );
    }

    /// <summary><c>labels</c> replaces the set; <c>add_labels</c> and <c>remove_labels</c> change it.</summary>
    internal static List<string> UpdatedLabels(List<string> current, SimParams parameters)
    {
        var labels = parameters.Labels("labels") ?? [.. current];
        labels.AddRange((parameters.Labels("add_labels") ?? []).Where(label => !labels.Contains(label, StringComparer.OrdinalIgnoreCase)));
        var removed = parameters.Labels("remove_labels") ?? [];
        labels.RemoveAll(label => removed.Contains(label, StringComparer.OrdinalIgnoreCase));
        return labels;
    }

    internal static void ApplyStateEvent(SimParams parameters, SimStore store, Action<string> setState, Action<DateTimeOffset?> setClosedAt)
    {
        switch (parameters.String("state_event"))
        {
            case "close":
                setState("closed");
                setClosedAt(store.Now);
                break;
            case "reopen":
                setState("opened");
                setClosedAt(null);
                break;
        }
    }

    /// <summary>GitLab creates a project label the first time an issue uses a name neither the project nor its groups have.</summary>
    private static void EnsureLabels(SimStore store, SimProject project, IEnumerable<string> labels) =>
        EnsureLabels(
            store,
            project.Labels,
            [.. project.Labels, .. store.GroupAndAncestors(project.Group).SelectMany(g => g.Labels)],
            labels
        );

    /// <summary>An epic's new label names become labels of its group.</summary>
    private static void EnsureLabels(SimStore store, SimGroup group, IEnumerable<string> labels) =>
        EnsureLabels(store, group.Labels, [.. store.GroupAndAncestors(group).SelectMany(g => g.Labels)], labels);

    private static void EnsureLabels(SimStore store, List<SimLabel> owner, List<SimLabel> known, IEnumerable<string> labels)
    {
        foreach (var name in labels.Where(name => !known.Any(label => string.Equals(label.Name, name, StringComparison.OrdinalIgnoreCase))))
        {
            owner.Add(
                new SimLabel
                {
                    Id = store.NewId(),
                    Name = name,
                    Color = "#428BCA",
                }
            );
        }
    }
}

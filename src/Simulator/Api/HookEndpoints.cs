using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Api;

/// <summary>
/// Project hooks (<c>/projects/:id/hooks</c>) and group hooks (<c>/groups/:id/hooks</c>, which GitLab calls for the
/// events of every project in the group and its subgroups). Same parameters, same answers.
/// </summary>
public static class HookEndpoints
{
    public static void MapHooks(this RouteGroupBuilder api)
    {
        MapHooksOf(api, "projects", "Project", (s, id) => s.FindProject(id) is { } project ? SimHookOwner.Of(project) : null);
        MapHooksOf(api, "groups", "Group", (s, id) => s.FindGroup(id) is { } group ? SimHookOwner.Of(group) : null);
    }

    /// <summary>Registers a hook with GitLab's defaults: every event kind on unless a parameter turns it off.</summary>
    /// <summary>Gives demo/shop the host's hook (<see cref="SimStore.DemoHook"/>), when there is one and the demo is there.</summary>
    public static void InstallDemoHook(SimStore store)
    {
        if (store.DemoHook is { } hook && store.FindProject("1") is { } demo)
        {
            AddHook(store, SimHookOwner.Of(demo), hook.Url, hook.Token);
        }
    }

    public static SimHook AddHook(SimStore store, SimHookOwner owner, string url, string? token, SimParams? parameters = null)
    {
        var hook = new SimHook
        {
            Id = store.NewId(),
            ProjectId = owner.ProjectId,
            GroupId = owner.GroupId,
            Url = url,
            Token = token,
            PushEvents = parameters?.Bool("push_events") ?? true,
            IssuesEvents = parameters?.Bool("issues_events") ?? true,
            MergeRequestsEvents = parameters?.Bool("merge_requests_events") ?? true,
            NoteEvents = parameters?.Bool("note_events") ?? true,
            PipelineEvents = parameters?.Bool("pipeline_events") ?? true,
            JobEvents = parameters?.Bool("job_events") ?? true,
            EnableSslVerification = parameters?.Bool("enable_ssl_verification") ?? true,
            CreatedAt = store.Now,
        };
        owner.Hooks.Add(hook);
        return hook;
    }

    private static void MapHooksOf(RouteGroupBuilder api, string collection, string what, Func<SimStore, string, SimHookOwner?> find)
    {
        api.MapGet(
            $"/{collection}/{{id}}/hooks",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
                store.Read(s =>
                    find(s, id) is { } owner ? SimResults.Page(http, parameters, owner.Hooks, SimJson.Hook) : SimResults.NotFound(what)
                )
        );

        api.MapPost(
            $"/{collection}/{{id}}/hooks",
            (SimStore store, SimParams parameters, string id) =>
                store.Write(s =>
                {
                    if (find(s, id) is not { } owner)
                    {
                        return SimResults.NotFound(what);
                    }

                    if (parameters.String("url") is not { Length: > 0 } url)
                    {
                        return SimResults.Missing("url");
                    }

                    if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
                    {
                        return SimResults.Invalid(new { url = new[] { "is blocked: Only allowed schemes are http, https" } });
                    }

                    return SimResults.Created(SimJson.Hook(AddHook(s, owner, url, parameters.String("token"), parameters)));
                })
        );

        api.MapDelete(
            $"/{collection}/{{id}}/hooks/{{hookId:long}}",
            (SimStore store, string id, long hookId) =>
                store.Write(s =>
                    find(s, id) is not { } owner ? SimResults.NotFound(what)
                    : owner.Hooks.RemoveAll(hook => hook.Id == hookId) > 0 ? SimResults.NoContent()
                    : SimResults.NotFound("Hook")
                )
        );
    }
}

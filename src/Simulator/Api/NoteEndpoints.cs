using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Api;

/// <summary>
/// A merge request's notes after they are written, as GitLab has them: read, edit and delete a note (its author or an
/// administrator, 403 otherwise; an edit raises the note hook as an <c>update</c>), reply in a thread, resolve a thread, and
/// award emoji on the merge request and on its notes.
/// </summary>
public static class NoteEndpoints
{
    private const string Notes = "/projects/{id}/merge_requests/{iid:long}/notes/{noteId:long}";
    private const string Discussion = "/projects/{id}/merge_requests/{iid:long}/discussions/{discussionId}";

    public static void MapMergeRequestNotes(this RouteGroupBuilder api)
    {
        api.MapGet(
            Notes,
            (SimStore store, string id, long iid, long noteId) =>
                store.Read(s => WithNote(s, id, iid, noteId, (_, _, note) => SimResults.Ok(SimJson.Note(s, note))))
        );
        api.MapPut(
            Notes,
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid, long noteId) =>
                store.Write(s => WithNote(s, id, iid, noteId, (project, _, note) => Edit(http, s, parameters, project, note)))
        );
        api.MapPut(
            Discussion + "/notes/{noteId:long}",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid, string discussionId, long noteId) =>
                store.Write(s =>
                    WithNote(
                        s,
                        id,
                        iid,
                        noteId,
                        (project, _, note) =>
                            note.DiscussionId == discussionId ? Edit(http, s, parameters, project, note) : SimResults.NotFound("Note")
                    )
                )
        );
        api.MapDelete(
            Notes,
            (HttpContext http, SimStore store, string id, long iid, long noteId) =>
                store.Write(s =>
                    WithNote(
                        s,
                        id,
                        iid,
                        noteId,
                        (_, _, note) =>
                        {
                            if (!MayChange(http, s, note))
                            {
                                return SimResults.Forbidden();
                            }

                            s.DeleteNote(note);
                            return SimResults.NoContent();
                        }
                    )
                )
        );

        api.MapPost(
            Discussion + "/notes",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid, string discussionId) =>
                store.Write(s =>
                    WithThread(
                        s,
                        id,
                        iid,
                        discussionId,
                        (project, mr, _) =>
                            parameters.String("body") is { Length: > 0 } body
                                ? SimResults.Created(
                                    SimJson.Note(s, s.AddNote(project, mr, SimCaller.Of(http, s), body, null, discussionId))
                                )
                                : SimResults.Missing("body")
                    )
                )
        );
        api.MapPut(
            Discussion,
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid, string discussionId) =>
                store.Write(s =>
                    WithThread(
                        s,
                        id,
                        iid,
                        discussionId,
                        (_, _, thread) =>
                        {
                            if (parameters.Bool("resolved") is not { } resolved)
                            {
                                return SimResults.Missing("resolved");
                            }

                            if (!thread.Any(note => note.Resolvable))
                            {
                                return SimResults.BadRequest("Discussion is not resolvable");
                            }

                            s.ResolveDiscussion(thread, SimCaller.Of(http, s), resolved);
                            return SimResults.Ok(SimJson.Discussion(s, discussionId, thread));
                        }
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/merge_requests/{iid:long}/award_emoji",
            (SimStore store, string id, long iid) =>
                store.Read(s => MergeRequestEndpoints.With(s, id, iid, (_, mr) => Awards(s, "MergeRequest", mr.Id)))
        );
        api.MapPost(
            "/projects/{id}/merge_requests/{iid:long}/award_emoji",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid) =>
                store.Write(s => MergeRequestEndpoints.With(s, id, iid, (_, mr) => Award(http, s, parameters, "MergeRequest", mr.Id)))
        );
        api.MapGet(
            Notes + "/award_emoji",
            (SimStore store, string id, long iid, long noteId) =>
                store.Read(s => WithNote(s, id, iid, noteId, (_, _, note) => Awards(s, "Note", note.Id)))
        );
        api.MapPost(
            Notes + "/award_emoji",
            (HttpContext http, SimStore store, SimParams parameters, string id, long iid, long noteId) =>
                store.Write(s => WithNote(s, id, iid, noteId, (_, _, note) => Award(http, s, parameters, "Note", note.Id)))
        );
    }

    private static IResult Edit(HttpContext http, SimStore store, SimParams parameters, SimProject project, SimNote note)
    {
        if (parameters.String("body") is not { Length: > 0 } body)
        {
            return SimResults.Missing("body");
        }

        if (!MayChange(http, store, note))
        {
            return SimResults.Forbidden();
        }

        store.EditNote(project, note, body);
        return SimResults.Ok(SimJson.Note(store, note));
    }

    private static bool MayChange(HttpContext http, SimStore store, SimNote note) =>
        SimCaller.Of(http, store) is var caller && (caller.Id == note.AuthorId || caller.IsAdmin);

    private static IResult Awards(SimStore store, string type, long id) =>
        SimResults.Ok(
            store.Awards.Where(a => a.AwardableType == type && a.AwardableId == id).Select(a => SimJson.Award(store, a)).ToArray()
        );

    private static IResult Award(HttpContext http, SimStore store, SimParams parameters, string type, long id)
    {
        if (parameters.String("name") is not { Length: > 0 } name)
        {
            return SimResults.Missing("name");
        }

        return store.Award(type, id, SimCaller.Of(http, store), name) is { } award
            ? SimResults.Created(SimJson.Award(store, award))
            : SimResults.Ok(new { message = "404 Award Emoji Name has already been taken Not Found" }, 404);
    }

    private static IResult WithNote(
        SimStore store,
        string id,
        long iid,
        long noteId,
        Func<SimProject, SimMergeRequest, SimNote, IResult> action
    ) =>
        MergeRequestEndpoints.With(
            store,
            id,
            iid,
            (project, mr) =>
                store.Notes.FirstOrDefault(n => n.Id == noteId && n.NoteableType == "MergeRequest" && n.NoteableId == mr.Id) is { } note
                    ? action(project, mr, note)
                    : SimResults.NotFound("Note")
        );

    private static IResult WithThread(
        SimStore store,
        string id,
        long iid,
        string discussionId,
        Func<SimProject, SimMergeRequest, List<SimNote>, IResult> action
    ) =>
        MergeRequestEndpoints.With(
            store,
            id,
            iid,
            (project, mr) =>
                store.Notes.Where(n => n.DiscussionId == discussionId && n.NoteableType == "MergeRequest" && n.NoteableId == mr.Id).ToList()
                    is { Count: > 0 } thread
                    ? action(project, mr, thread)
                    : SimResults.NotFound("Discussion")
        );
}

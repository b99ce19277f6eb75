namespace GitLabBus.Simulator.State;

/// <summary>Notes after they are written: edits, deletions, replies in a thread, resolving a thread, award emoji.</summary>
public sealed partial class SimStore
{
    public List<SimAward> Awards { get; } = [];

    /// <summary>A new body for a note; GitLab raises the note hook again, as an <c>update</c>.</summary>
    public void EditNote(SimProject project, SimNote note, string body)
    {
        note.Body = body;
        note.UpdatedAt = Now;
        Emit(project.Id, "Note Hook", "note", SimPayloads.Note(this, project, note, MergeRequestOf(note), IssueOf(note), "update"));
    }

    public void DeleteNote(SimNote note)
    {
        Notes.Remove(note);
        Awards.RemoveAll(award => award.AwardableType == "Note" && award.AwardableId == note.Id);
    }

    /// <summary>Resolves (or reopens) every resolvable note of a thread, as GitLab's <c>PUT .../discussions/:id</c> does.</summary>
    public void ResolveDiscussion(IEnumerable<SimNote> thread, SimUser by, bool resolved)
    {
        foreach (var note in thread.Where(note => note.Resolvable))
        {
            note.ResolvedById = resolved ? by.Id : null;
            note.UpdatedAt = Now;
        }
    }

    /// <summary>An award emoji, or null when the user already gave this one to the same thing (GitLab refuses it).</summary>
    public SimAward? Award(string awardableType, long awardableId, SimUser by, string name)
    {
        if (Awards.Any(a => a.AwardableType == awardableType && a.AwardableId == awardableId && a.UserId == by.Id && a.Name == name))
        {
            return null;
        }

        var award = new SimAward(NewId(), name, by.Id, awardableType, awardableId, Now);
        Awards.Add(award);
        return award;
    }

    private SimMergeRequest? MergeRequestOf(SimNote note) =>
        note.NoteableType == "MergeRequest" ? MergeRequests.FirstOrDefault(mr => mr.Id == note.NoteableId) : null;

    private SimIssue? IssueOf(SimNote note) =>
        note.NoteableType == "Issue" ? Issues.FirstOrDefault(issue => issue.Id == note.NoteableId) : null;
}

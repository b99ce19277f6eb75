using GitLabBus.Simulator.Git;
using LibGit2Sharp;

namespace GitLabBus.Simulator.State;

/// <summary>
/// Branches over the project's git repository: commits made through the API, branch moves and what GitLab does on each
/// (push hook, merge request versions and pipelines, merge requests whose head reached their target marked merged).
/// </summary>
public sealed partial class SimStore
{
    public static readonly string NoCommit = new('0', 40);

    public SimProject NewProject(long id, string name, SimGroup group, string description) =>
        new()
        {
            Id = id,
            Name = name,
            Path = name,
            Group = group,
            Description = description,
            Repository = Repositories.Create(),
            CreatedAt = Now,
            LastActivityAt = Now,
        };

    public Signature SignatureOf(SimUser user) => new(user.Name, user.Email, Now);

    /// <summary>What GitLab's <c>ref</c> parameters take: a branch name or a commit sha (full or short).</summary>
    public static Commit? Resolve(SimProject project, string? gitRef) =>
        gitRef is null ? null
        : project.Branches.TryGetValue(gitRef, out var branch) ? project.Repository.Find(branch.Head)
        : project.Repository.Find(gitRef);

    public static Commit HeadOf(SimProject project, SimBranch branch) =>
        project.Repository.Find(branch.Head) ?? throw new InvalidOperationException($"Branch {branch.Name} names no commit.");

    public static SimBranch CreateBranch(SimProject project, string name, Commit from)
    {
        var branch = new SimBranch { Name = name, Head = from.Sha };
        project.Branches[name] = branch;
        return branch;
    }

    /// <summary>A branch with one commit of <paramref name="actions"/> on <paramref name="from"/>, quietly: the seed's history.</summary>
    public SimBranch SeedBranch(SimProject project, string name, SimBranch? from, string message, IReadOnlyList<FileAction> actions)
    {
        var parent = from is null ? null : HeadOf(project, from);
        var commit = project.Repository.Commit(parent, actions, message, SignatureOf(Root), SignatureOf(Root));
        return CreateBranch(project, name, commit);
    }

    /// <summary>A commit of <paramref name="actions"/> on a branch, as GitLab's commits and files APIs make it, then pushed.</summary>
    /// <exception cref="CommitRefusedException">An action does not fit the branch's tree.</exception>
    public Commit CommitTo(SimProject project, SimBranch branch, string message, IReadOnlyList<FileAction> actions, SimUser author)
    {
        var signature = SignatureOf(author);
        var commit = project.Repository.Commit(HeadOf(project, branch), actions, message, signature, signature);
        MoveBranch(project, branch, commit, author);
        return commit;
    }

    /// <summary>
    /// Moves a branch to <paramref name="head"/> as a push does: the push hook; for a branch with open merge requests a new
    /// version, an update hook and a merge request pipeline each, else a push pipeline (skipped for <c>[skip ci]</c>);
    /// open merge requests into the branch whose head arrived with this push marked merged.
    /// </summary>
    public void MoveBranch(SimProject project, SimBranch branch, Commit head, SimUser actor, bool skipCi = false)
    {
        var before = project.Repository.Find(branch.Head);
        branch.Head = head.Sha;
        project.LastActivityAt = Now;
        var arrived = project.Repository.Log(head, before).ToList();
        Emit(project.Id, "Push Hook", "push", SimPayloads.Push(this, project, branch, before?.Sha ?? NoCommit, arrived, actor));
        var skipped = skipCi || SkipsCi(head.Message);
        var open = OpenMergeRequestsFrom(project, branch.Name).ToList();
        foreach (var mr in open)
        {
            mr.UpdatedAt = Now;
            AddVersion(project, mr);
            Emit(project.Id, "Merge Request Hook", "merge_request", SimPayloads.MergeRequest(this, project, mr, "update", before?.Sha));
            CreatePipeline(project, branch.Name, "merge_request_event", null, mr.Iid, skipped);
        }

        if (open.Count == 0)
        {
            CreatePipeline(project, branch.Name, "push", null, null, skipped);
        }

        MarkArrivedMergeRequestsMerged(project, branch, arrived.Select(commit => commit.Sha).ToHashSet(), actor);
    }

    /// <summary>GitLab skips the pipeline of a push whose head commit's message says <c>[skip ci]</c> or <c>[ci skip]</c>.</summary>
    public static bool SkipsCi(string message) =>
        message.Contains("[skip ci]", StringComparison.OrdinalIgnoreCase)
        || message.Contains("[ci skip]", StringComparison.OrdinalIgnoreCase);

    private IEnumerable<SimMergeRequest> OpenMergeRequestsFrom(SimProject project, string branch) =>
        MergeRequests.Where(mr => mr.ProjectId == project.Id && mr.State == "opened" && mr.SourceBranch == branch);

    // GitLab's refresh after a push to a target branch: an open merge request whose head commit is among the commits
    // pushed was merged by hand (or by another merge request), so it is closed as merged.
    private void MarkArrivedMergeRequestsMerged(SimProject project, SimBranch target, IReadOnlySet<string> arrived, SimUser actor)
    {
        var landed = MergeRequests
            .Where(mr => mr.ProjectId == project.Id && mr.State == "opened" && mr.TargetBranch == target.Name)
            .Where(mr => project.Branches.TryGetValue(mr.SourceBranch, out var source) && arrived.Contains(source.Head))
            .ToList();
        foreach (var mr in landed)
        {
            mr.State = "merged";
            mr.MergedAt = Now;
            mr.UpdatedAt = Now;
            Emit(project.Id, "Merge Request Hook", "merge_request", SimPayloads.MergeRequest(this, project, mr, "merge", actor: actor));
        }
    }
}

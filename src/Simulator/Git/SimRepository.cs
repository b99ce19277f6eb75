using System.Text;
using LibGit2Sharp;

namespace GitLabBus.Simulator.Git;

/// <summary>
/// A simulated project's repository: a bare git repository whose objects are real commits, trees and blobs. Branch heads
/// are kept by the caller (the store); merges, cherry-picks and diffs come from libgit2, so conflicts are line-level
/// and diffs are git's own. Not thread-safe: the store calls it under its lock.
/// </summary>
public sealed class SimRepository : IDisposable
{
    private static readonly CompareOptions DiffOptions = new() { Similarity = SimilarityOptions.Renames, ContextLines = 3 };

    private readonly Repository _git;

    // Mergeability is asked for on every merge request read; the answer depends only on the two heads.
    private readonly Dictionary<(ObjectId Ours, ObjectId Theirs), bool> _mergeable = [];

    private SimRepository(string folder)
    {
        Path = folder;
        _git = new Repository(Repository.Init(folder, isBare: true));
    }

    /// <summary>The bare repository's folder.</summary>
    public string Path { get; }

    public static SimRepository Create(string folder) => new(folder);

    /// <summary>A commit by its full sha or an unambiguous prefix of at least 7 hex digits; null when there is none.</summary>
    public Commit? Find(string? sha)
    {
        if (sha is not { Length: >= 7 and <= 40 } || !sha.All(Uri.IsHexDigit))
        {
            return null;
        }

        try
        {
            return _git.Lookup<Commit>(sha);
        }
        catch (AmbiguousSpecificationException)
        {
            return null;
        }
    }

    /// <summary>
    /// A commit on <paramref name="parent"/> (none for a root commit) applying <paramref name="actions"/> in order;
    /// <see cref="CommitRefusedException"/> with GitLab's message when an action does not fit the tree.
    /// </summary>
    public Commit Commit(Commit? parent, IReadOnlyList<FileAction> actions, string message, Signature author, Signature committer)
    {
        var tree = parent is null ? new TreeDefinition() : TreeDefinition.From(parent.Tree);
        foreach (var action in actions)
        {
            Apply(tree, parent, action);
        }

        return CommitTree(_git.ObjectDatabase.CreateTree(tree), message, author, committer, parent is null ? [] : [parent]);
    }

    public Commit CommitTree(Tree tree, string message, Signature author, Signature committer, IEnumerable<Commit> parents) =>
        _git.ObjectDatabase.CreateCommit(author, committer, message, tree, parents, prettifyMessage: false);

    private void Apply(TreeDefinition tree, Commit? parent, FileAction action)
    {
        var path = action.FilePath;
        var existing = tree[path];
        var isFile = existing is { TargetType: TreeEntryTargetType.Blob };
        switch (action.Action)
        {
            case "create" when isFile:
                throw new CommitRefusedException("A file with this name already exists");
            case "create":
                tree.Add(path, Blob(action.Bytes()), action.ExecuteFilemode == true ? Mode.ExecutableFile : Mode.NonExecutableFile);
                return;
            case "update" or "delete" or "chmod" when !isFile:
                throw new CommitRefusedException("A file with this name doesn't exist");
            case "update":
                RefuseIfChangedSince(parent, action);
                tree.Add(path, Blob(action.Bytes()), existing!.Mode);
                return;
            case "delete":
                RefuseIfChangedSince(parent, action);
                tree.Remove(path);
                return;
            case "chmod":
                tree.Add(
                    path,
                    _git.Lookup<Blob>(existing!.TargetId),
                    action.ExecuteFilemode == true ? Mode.ExecutableFile : Mode.NonExecutableFile
                );
                return;
            case "move":
                Move(tree, action, isFile);
                return;
            default:
                throw new CommitRefusedException("actions[action] does not have a valid value");
        }
    }

    private void Move(TreeDefinition tree, FileAction action, bool targetExists)
    {
        if (action.PreviousPath is not { Length: > 0 } previous || tree[previous] is not { TargetType: TreeEntryTargetType.Blob } moved)
        {
            throw new CommitRefusedException("A file with this name doesn't exist");
        }

        if (targetExists)
        {
            throw new CommitRefusedException("A file with this name already exists");
        }

        var blob = action.Content is null ? _git.Lookup<Blob>(moved.TargetId) : Blob(action.Bytes());
        tree.Remove(previous);
        tree.Add(action.FilePath, blob, moved.Mode);
    }

    // GitLab's optimistic lock on a file: last_commit_id names the commit the editor started from.
    private void RefuseIfChangedSince(Commit? parent, FileAction action)
    {
        if (action.LastCommitId is not { Length: > 0 } started || parent is null)
        {
            return;
        }

        var last = LastCommitTouching(parent, action.FilePath);
        if (last is not null && !last.Sha.StartsWith(started, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommitRefusedException("You are attempting to update a file that has changed since you started editing it.");
        }
    }

    private Blob Blob(byte[] content)
    {
        using var stream = new MemoryStream(content, writable: false);
        return _git.ObjectDatabase.CreateBlob(stream);
    }

    public Blob? File(Commit commit, string path) => commit[path]?.Target as Blob;

    /// <summary>The tree at <paramref name="path"/> (the root when empty); null when the path is not a folder.</summary>
    public Tree? Folder(Commit commit, string? path) =>
        string.IsNullOrEmpty(path) ? commit.Tree : commit[path.TrimEnd('/')]?.Target as Tree;

    /// <summary>The newest commit that changed <paramref name="path"/>, walking back from <paramref name="head"/>.</summary>
    public Commit? LastCommitTouching(Commit head, string path)
    {
        foreach (var commit in Log(head))
        {
            var here = commit[path]?.Target.Id;
            var before = commit.Parents.FirstOrDefault()?[path]?.Target.Id;
            if (here != before)
            {
                return commit;
            }
        }

        return null;
    }

    public Commit? MergeBase(Commit one, Commit other) => _git.ObjectDatabase.FindMergeBase(one, other);

    /// <summary>True when <paramref name="ancestor"/> is <paramref name="descendant"/> or one of its ancestors.</summary>
    public bool Reaches(Commit descendant, Commit ancestor) =>
        descendant.Id == ancestor.Id || MergeBase(descendant, ancestor)?.Id == ancestor.Id;

    public bool CanMerge(Commit ours, Commit theirs)
    {
        if (!_mergeable.TryGetValue((ours.Id, theirs.Id), out var clean))
        {
            clean = _mergeable[(ours.Id, theirs.Id)] = _git.ObjectDatabase.CanMergeWithoutConflict(ours, theirs);
        }

        return clean;
    }

    /// <summary>The tree of merging <paramref name="theirs"/> into <paramref name="ours"/>; null on a conflict.</summary>
    public Tree? MergedTree(Commit ours, Commit theirs)
    {
        var result = _git.ObjectDatabase.MergeCommits(ours, theirs, new MergeTreeOptions { FailOnConflict = true });
        return result.Status == MergeTreeStatus.Succeeded ? result.Tree : null;
    }

    /// <summary>The tree of <paramref name="commit"/>'s change applied to <paramref name="onto"/>, or why there is none.</summary>
    public (Tree? Tree, CherryPickFailure Failure) CherryPick(Commit commit, Commit onto)
    {
        var mainline = commit.Parents.Count() > 1 ? 1 : 0;
        var result = _git.ObjectDatabase.CherryPickCommit(commit, onto, mainline, new MergeTreeOptions { FailOnConflict = true });
        if (result.Status != MergeTreeStatus.Succeeded)
        {
            return (null, CherryPickFailure.Conflict);
        }

        return result.Tree.Id == onto.Tree.Id ? (null, CherryPickFailure.Empty) : (result.Tree, CherryPickFailure.None);
    }

    /// <summary>
    /// <paramref name="commits"/> (oldest first) replayed onto <paramref name="onto"/> as <c>git rebase</c> does: merge commits
    /// dropped, changes already there skipped, authors kept; null when one of them conflicts.
    /// </summary>
    public Commit? Rebase(IEnumerable<Commit> commits, Commit onto, Signature committer)
    {
        var head = onto;
        foreach (var commit in commits.Where(commit => commit.Parents.Count() <= 1))
        {
            var (tree, failure) = CherryPick(commit, head);
            if (failure == CherryPickFailure.Conflict)
            {
                return null;
            }

            if (tree is not null)
            {
                head = CommitTree(tree, commit.Message, commit.Author, committer, [head]);
            }
        }

        return head;
    }

    /// <summary>The commits reachable from <paramref name="head"/> and not from <paramref name="exclude"/>, newest first.</summary>
    public IEnumerable<Commit> Log(Commit head, Commit? exclude = null) =>
        _git.Commits.QueryBy(
            new CommitFilter
            {
                IncludeReachableFrom = head,
                ExcludeReachableFrom = exclude,
                SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Time,
            }
        );

    /// <summary>What changed from <paramref name="from"/> to <paramref name="to"/>, per file, with renames detected.</summary>
    public IReadOnlyList<FileChange> Diff(Tree? from, Tree to)
    {
        using var patch = _git.Diff.Compare<Patch>(from, to, DiffOptions);
        return [.. patch.Select(Change)];
    }

    /// <summary>What a commit changed against its first parent (everything, for a root commit).</summary>
    public IReadOnlyList<FileChange> ChangesOf(Commit commit) => Diff(commit.Parents.FirstOrDefault()?.Tree, commit.Tree);

    private static FileChange Change(PatchEntryChanges entry) =>
        new(
            entry.OldPath,
            entry.Path,
            entry.Status == ChangeKind.Added ? "0" : ModeText(entry.OldMode),
            entry.Status == ChangeKind.Deleted ? "0" : ModeText(entry.Mode),
            entry.Status == ChangeKind.Added,
            entry.Status == ChangeKind.Renamed,
            entry.Status == ChangeKind.Deleted,
            entry.IsBinaryComparison ? BinaryMessage(entry) : Hunks(entry.Patch),
            entry.LinesAdded,
            entry.LinesDeleted
        );

    // What GitLab's diff says of a binary file (git's own line, GitLab's Gitlab::Git::Diff.binary_message).
    private static string BinaryMessage(PatchEntryChanges entry) =>
        $"Binary files {(entry.Status == ChangeKind.Added ? "/dev/null" : $"a/{entry.OldPath}")} and "
        + $"{(entry.Status == ChangeKind.Deleted ? "/dev/null" : $"b/{entry.Path}")} differ\n";

    // GitLab's diff text starts at the first hunk: git's header lines (diff --git, index, ---, +++) are not part of it.
    private static string Hunks(string patch)
    {
        var start = patch.StartsWith("@@", StringComparison.Ordinal) ? 0 : patch.IndexOf("\n@@", StringComparison.Ordinal);
        return start < 0 ? "" : patch[(start == 0 ? 0 : start + 1)..];
    }

    /// <summary>A git file mode as GitLab writes it: six octal digits (<c>100644</c>, <c>040000</c>).</summary>
    public static string ModeText(Mode mode) => Convert.ToString((int)mode, 8).PadLeft(6, '0');

    /// <summary>True when the file at <paramref name="path"/> in <paramref name="commit"/> contains <paramref name="text"/>.</summary>
    public bool Contains(Commit commit, string path, string text) =>
        File(commit, path) is { } blob && blob.GetContentText(Encoding.UTF8).Contains(text, StringComparison.Ordinal);

    public void Dispose() => _git.Dispose();
}

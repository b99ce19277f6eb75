using System.Security.Cryptography;
using GitLabBus.Simulator.Git;
using GitLabBus.Simulator.State;
using LibGit2Sharp;

namespace GitLabBus.Simulator.Api;

/// <summary>GitLab's repository files API (read, raw, create, update, delete) and the repository tree.</summary>
public static class FileEndpoints
{
    private const string RawSuffix = "/raw";

    public static void MapRepositoryFiles(this RouteGroupBuilder api)
    {
        // The file's path is one URL-encoded segment (src%2Fapp.py); a literal "/raw" after it asks for the bytes.
        api.MapGet(
            "/projects/{id}/repository/files/{*file}",
            (HttpContext http, SimStore store, SimParams parameters, string id, string file) =>
                store.Read(s =>
                    RepositoryEndpoints.InProject(
                        s,
                        id,
                        project =>
                            file.EndsWith(RawSuffix, StringComparison.Ordinal)
                                ? Raw(http, project, Uri.UnescapeDataString(file[..^RawSuffix.Length]), parameters)
                                : Show(project, Uri.UnescapeDataString(file), parameters)
                    )
                )
        );

        api.MapPost(
            "/projects/{id}/repository/files/{*file}",
            (HttpContext http, SimStore store, SimParams parameters, string id, string file) =>
                store.Write(s => Write(s, id, "create", Uri.UnescapeDataString(file), parameters, SimCaller.Of(http, s)))
        );

        api.MapPut(
            "/projects/{id}/repository/files/{*file}",
            (HttpContext http, SimStore store, SimParams parameters, string id, string file) =>
                store.Write(s => Write(s, id, "update", Uri.UnescapeDataString(file), parameters, SimCaller.Of(http, s)))
        );

        api.MapDelete(
            "/projects/{id}/repository/files/{*file}",
            (HttpContext http, SimStore store, SimParams parameters, string id, string file) =>
                store.Write(s => Write(s, id, "delete", Uri.UnescapeDataString(file), parameters, SimCaller.Of(http, s)))
        );

        api.MapGet(
            "/projects/{id}/repository/tree",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
                store.Read(s => RepositoryEndpoints.InProject(s, id, project => Tree(http, project, parameters)))
        );
    }

    private static IResult Show(SimProject project, string path, SimParams parameters)
    {
        if (parameters.String("ref") is not { Length: > 0 } gitRef)
        {
            return SimResults.Missing("ref");
        }

        if (SimStore.Resolve(project, gitRef) is not { } commit || project.Repository.File(commit, path) is not { } blob)
        {
            return SimResults.NotFound("File");
        }

        var content = Bytes(blob);
        var last = project.Repository.LastCommitTouching(commit, path);
        return SimResults.Ok(
            new
            {
                file_name = Path.GetFileName(path),
                file_path = path,
                size = content.Length,
                encoding = "base64",
                content_sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
                @ref = gitRef,
                blob_id = blob.Sha,
                commit_id = commit.Sha,
                last_commit_id = last?.Sha ?? commit.Sha,
                execute_filemode = commit[path].Mode == Mode.ExecutableFile,
                content = Convert.ToBase64String(content),
            }
        );
    }

    private static IResult Raw(HttpContext http, SimProject project, string path, SimParams parameters)
    {
        if (
            SimStore.Resolve(project, parameters.String("ref") ?? project.DefaultBranch) is not { } commit
            || project.Repository.File(commit, path) is not { } blob
        )
        {
            return SimResults.NotFound("File");
        }

        http.Response.Headers["X-Gitlab-File-Name"] = Path.GetFileName(path);
        http.Response.Headers["X-Gitlab-File-Path"] = path;
        http.Response.Headers["X-Gitlab-Blob-Id"] = blob.Sha;
        http.Response.Headers["X-Gitlab-Commit-Id"] = commit.Sha;
        return Results.Bytes(Bytes(blob), blob.IsBinary ? "application/octet-stream" : "text/plain; charset=utf-8");
    }

    private static byte[] Bytes(Blob blob)
    {
        using var stream = blob.GetContentStream();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Create, update or delete one file as a commit on <c>branch</c>: GitLab's answers and its 400 messages.</summary>
    private static IResult Write(SimStore store, string id, string action, string path, SimParams parameters, SimUser caller) =>
        RepositoryEndpoints.InProject(
            store,
            id,
            project =>
            {
                var required = action == "delete" ? new[] { "branch", "commit_message" } : ["branch", "content", "commit_message"];
                var missing = required.Where(name => !parameters.Has(name)).ToList();
                if (missing.Count > 0)
                {
                    return SimResults.Missing(missing);
                }

                var change = new FileAction(
                    action,
                    path,
                    Content: parameters.String("content"),
                    Base64: parameters.String("encoding") == "base64",
                    ExecuteFilemode: parameters.Bool("execute_filemode"),
                    LastCommitId: parameters.String("last_commit_id")
                );
                return RepositoryEndpoints.OnBranch(
                    store,
                    project,
                    parameters,
                    caller,
                    branch =>
                    {
                        store.CommitTo(project, branch, parameters.String("commit_message")!, [change], caller);
                        return action switch
                        {
                            "delete" => SimResults.NoContent(),
                            "create" => SimResults.Created(new { file_path = path, branch = branch.Name }),
                            _ => SimResults.Ok(new { file_path = path, branch = branch.Name }),
                        };
                    }
                );
            }
        );

    private static IResult Tree(HttpContext http, SimProject project, SimParams parameters)
    {
        var path = parameters.String("path")?.Trim('/') ?? "";
        if (
            SimStore.Resolve(project, parameters.String("ref") ?? project.DefaultBranch) is not { } commit
            || project.Repository.Folder(commit, path) is not { } tree
        )
        {
            return SimResults.NotFound("Tree");
        }

        var entries = parameters.Bool("recursive") == true ? Walk(tree, path).ToList() : Entries(tree, path).ToList();
        return SimResults.Page(
            http,
            parameters,
            entries,
            entry => new
            {
                id = entry.Entry.Target.Sha,
                name = entry.Entry.Name,
                type = entry.Entry.TargetType == TreeEntryTargetType.Tree ? "tree" : "blob",
                path = entry.Path,
                mode = SimRepository.ModeText(entry.Entry.Mode),
            }
        );
    }

    // Folders first, then files, each by name: the order GitLab lists a tree in.
    private static IEnumerable<(TreeEntry Entry, string Path)> Entries(Tree tree, string folder) =>
        tree.OrderBy(entry => entry.TargetType == TreeEntryTargetType.Tree ? 0 : 1)
            .ThenBy(entry => entry.Name, StringComparer.Ordinal)
            .Select(entry => (entry, folder.Length == 0 ? entry.Name : $"{folder}/{entry.Name}"));

    private static IEnumerable<(TreeEntry Entry, string Path)> Walk(Tree tree, string folder)
    {
        foreach (var (entry, path) in Entries(tree, folder))
        {
            yield return (entry, path);
            if (entry.Target is Tree inner)
            {
                foreach (var nested in Walk(inner, path))
                {
                    yield return nested;
                }
            }
        }
    }
}

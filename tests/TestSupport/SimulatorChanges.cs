using System.Net.Http.Json;
using System.Text.Json;

namespace GitLabBus.Tests.TestSupport;

/// <summary>Changes made on a simulator (or any GitLab) through its REST API, as a developer would: commits and merge requests.</summary>
public static class SimulatorChanges
{
    /// <summary>
    /// A commit on <paramref name="branch"/> (made from <paramref name="startBranch"/> when new) writing each file; its sha.
    /// </summary>
    public static async Task<string> CommitAsync(
        this HttpClient gitlab,
        string branch,
        string? startBranch,
        params (string Path, string Content)[] files
    )
    {
        var tree = await gitlab.GetAsync(
            $"/api/v4/projects/1/repository/tree?ref={Uri.EscapeDataString(branch)}&recursive=true&per_page=100"
        );
        var existing = tree.IsSuccessStatusCode
            ? (await tree.Content.ReadFromJsonAsync<JsonElement[]>())!.Select(entry => entry.GetProperty("path").GetString()).ToHashSet()
            : [];
        using var made = await gitlab.PostAsJsonAsync(
            "/api/v4/projects/1/repository/commits",
            new
            {
                branch,
                start_branch = startBranch,
                commit_message = $"Change {string.Join(", ", files.Select(file => file.Path))}",
                actions = files.Select(file => new
                {
                    action = existing.Contains(file.Path) ? "update" : "create",
                    file_path = file.Path,
                    content = file.Content,
                }),
            }
        );
        made.EnsureSuccessStatusCode();
        return (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>A merge request from <paramref name="branch"/> into main; its iid.</summary>
    public static async Task<long> OpenMergeRequestAsync(this HttpClient gitlab, string branch, string title, bool draft = false)
    {
        using var created = await gitlab.PostAsJsonAsync(
            "/api/v4/projects/1/merge_requests",
            new
            {
                source_branch = branch,
                target_branch = "main",
                title = draft ? $"Draft: {title}" : title,
            }
        );
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("iid").GetInt64();
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Integration.MergeQueue;

/// <summary>The deployment with the merge queue's watcher and leases quick, and what its tests read of GitLab.</summary>
public sealed class MergeQueueDeployment : RoleDeployment
{
    public const string ReadyLabel = "Merge Assist: Ready to Merge";
    public const string RejectedLabel = "Merge Assist: Rejected";

    protected override IReadOnlyDictionary<string, string> Settings =>
        new Dictionary<string, string> { ["MERGE_WATCH_INTERVAL_SECONDS"] = "2", ["MERGE_STEP_LEASE_SECONDS"] = "3" };

    /// <summary>
    /// A merge request into main from a new branch holding <paramref name="files"/>, once its own pipeline passed (so that
    /// admission takes it).
    /// </summary>
    public async Task<long> OpenMergeRequestAsync(string branch, params (string Path, string Content)[] files)
    {
        var commit = new
        {
            branch,
            start_branch = "main",
            commit_message = $"Add {string.Join(", ", files.Select(file => file.Path))}",
            actions = files.Select(file => new
            {
                action = "create",
                file_path = file.Path,
                content = file.Content,
            }),
        };
        (await Root.PostAsJsonAsync("/api/v4/projects/1/repository/commits", commit)).EnsureSuccessStatusCode();
        using var created = await Root.PostAsJsonAsync(
            "/api/v4/projects/1/merge_requests",
            new
            {
                source_branch = branch,
                target_branch = "main",
                title = $"Change on {branch}",
            }
        );
        created.EnsureSuccessStatusCode();
        var iid = (await created.JsonAsync()).GetProperty("iid").GetInt64();
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                    (await MergeRequestAsync(iid)).GetProperty("head_pipeline") is { ValueKind: JsonValueKind.Object } pipeline
                    && pipeline.GetProperty("status").GetString() == "success",
                TimeSpan.FromSeconds(60)
            ),
            $"the pipeline of !{iid} did not pass"
        );
        return iid;
    }

    /// <summary>What the queue left in GitLab: batch branches and open batch merge requests (both should be none).</summary>
    public async Task<(int Branches, int OpenBatchRequests)> LeftoversAsync()
    {
        var branches = (
            await Root.GetFromJsonAsync<JsonElement>("/api/v4/projects/1/repository/branches?per_page=100&search=merge-assist")
        ).GetArrayLength();
        var open = (
            await Root.GetFromJsonAsync<JsonElement>(
                "/api/v4/projects/1/merge_requests?state=opened&per_page=100&labels=Merge%20Assist%3A%20Batch%20Merge%20Request"
            )
        ).GetArrayLength();
        return (branches, open);
    }
}

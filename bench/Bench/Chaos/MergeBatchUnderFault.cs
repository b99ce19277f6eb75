using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace GitLabBus.Bench.Chaos;

/// <summary>
/// A merge batch running through a fault: merge requests whose own pipelines passed are put in the queue just before it (again
/// while the gateway cannot take them, as a client retries) and followed until the queue's history says each was merged; then
/// GitLab is read: every one merged, each by exactly one merge commit on the target, and no batch branch left behind.
/// </summary>
public sealed class MergeBatchUnderFault(HttpClient gateway, HttpClient gitlab, string tag, int mergeRequests)
{
    /// <summary>A step whose holder was killed waits out its lease (30 s) before another replica takes it, at each stage.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);
    private const string Target = "main";
    private const string BatchBranches = "merge-assist/batch/";

    private readonly List<long> _iids = [];

    public sealed record Outcome(int Merged, int Duplicates, string? Problem);

    /// <summary>Before the fault: opens the merge requests and waits until their own pipelines passed (the queue admits no
    /// other).</summary>
    public async Task PrepareAsync()
    {
        for (var i = 0; i < mergeRequests; i++)
        {
            _iids.Add(await BenchSimulator.OpenMergeRequestAsync(gitlab, $"{tag}-{i}", $"chaos/{tag}_{i}.txt", $"{tag} {i}\n"));
        }

        if (!await WithinPatienceAsync(async () => (await Task.WhenAll(_iids.Select(OwnPipelinePassedAsync))).All(passed => passed)))
        {
            throw new TimeoutException($"the pipelines of {tag}'s merge requests did not pass");
        }
    }

    /// <summary>Through the fault: puts them in the queue and follows them to their end.</summary>
    public async Task<Outcome> RunAsync()
    {
        var enqueued = await Task.WhenAll(_iids.Select(EnqueueAsync));
        var landed = enqueued.All(ok => ok) && await WithinPatienceAsync(async () => await MergedInHistoryAsync() >= _iids.Count);
        var merged = (await Task.WhenAll(_iids.Select(MergedInGitLabAsync))).Count(state => state);
        var mergeCommits = await MergeCommitsAsync();
        var duplicates = _iids.Sum(iid => Math.Max(0, mergeCommits.GetValueOrDefault(iid) - 1));
        var cleanedUp = landed && await WithinPatienceAsync(async () => await BatchBranchesLeftAsync() == 0);

        var problems = new List<string>();
        if (!enqueued.All(ok => ok))
        {
            problems.Add("the merge queue did not take every merge request");
        }

        if (merged < _iids.Count)
        {
            problems.Add($"{_iids.Count - merged} of {_iids.Count} merge requests not merged");
        }

        if (landed && !cleanedUp)
        {
            problems.Add("a batch branch was left behind");
        }

        return new Outcome(merged, duplicates, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private async Task<bool> EnqueueAsync(long iid) =>
        await WithinPatienceAsync(async () =>
        {
            using var response = await gateway.PostAsJsonAsync("/gitlab/projects/1/merge-queue", new { merge_request_iid = iid });
            return response.StatusCode == HttpStatusCode.Accepted;
        });

    private async Task<bool> OwnPipelinePassedAsync(long iid)
    {
        var mergeRequest = await gitlab.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/merge_requests/{iid}");
        return mergeRequest.TryGetProperty("head_pipeline", out var pipeline)
            && pipeline.ValueKind == JsonValueKind.Object
            && pipeline.GetProperty("status").GetString() == "success";
    }

    private async Task<int> MergedInHistoryAsync()
    {
        var history = await gateway.GetFromJsonAsync<JsonElement>("/gitlab/projects/1/merge-queue/history?limit=100");
        return history
            .GetProperty("items")
            .EnumerateArray()
            .Count(item =>
                item.GetProperty("outcome").GetString() == "merged" && _iids.Contains(item.GetProperty("merge_request_iid").GetInt64())
            );
    }

    private async Task<bool> MergedInGitLabAsync(long iid) =>
        (await gitlab.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/merge_requests/{iid}")).GetProperty("state").GetString()
        == "merged";

    /// <summary>How many commits on the target say they merge each merge request (GitLab's merge commit message names it).</summary>
    private async Task<Dictionary<long, int>> MergeCommitsAsync()
    {
        var counts = new Dictionary<long, int>();
        for (var page = 1; ; page++)
        {
            var commits = await gitlab.GetFromJsonAsync<JsonElement[]>(
                $"/api/v4/projects/1/repository/commits?ref_name={Target}&per_page=100&page={page}"
            );
            foreach (var commit in commits!)
            {
                var message = commit.GetProperty("message").GetString() ?? "";
                foreach (var iid in _iids.Where(iid => message.EndsWith($"!{iid}", StringComparison.Ordinal)))
                {
                    counts[iid] = counts.GetValueOrDefault(iid) + 1;
                }
            }

            if (commits.Length < 100)
            {
                return counts;
            }
        }
    }

    private async Task<int> BatchBranchesLeftAsync() =>
        (
            await gitlab.GetFromJsonAsync<JsonElement[]>(
                $"/api/v4/projects/1/repository/branches?search={Uri.EscapeDataString(BatchBranches)}&per_page=100"
            )
        )!.Length;

    /// <summary>Asks until <paramref name="done"/> holds, through the fault's errors (a part down or restarting).</summary>
    private static async Task<bool> WithinPatienceAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await done())
                {
                    return true;
                }
            }
            catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException or JsonException)
            {
                // The gateway is down or restarting: ask again.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        return false;
    }
}

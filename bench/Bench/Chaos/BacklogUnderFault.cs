using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace GitLabBus.Bench.Chaos;

/// <summary>
/// A backlog apply running through a fault: posted (again with the same <c>prompt_id</c> while the gateway cannot take it, as
/// a client retries), followed to its end, then counted in GitLab, where every issue must exist exactly once.
/// </summary>
public sealed class BacklogUnderFault(HttpClient gateway, HttpClient gitlab, string prompt, int issues)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public sealed record Outcome(bool Finished, int Missing, int Duplicates);

    public async Task<Outcome> RunAsync()
    {
        var finished = await AppliedAsync();
        var titles = await IssueTitlesAsync();
        var counts = titles.Where(title => title.StartsWith(prompt + " ", StringComparison.Ordinal)).CountBy(title => title).ToList();
        return new Outcome(finished, issues - counts.Count, counts.Sum(pair => pair.Value - 1));
    }

    private async Task<bool> AppliedAsync()
    {
        var deadline = DateTime.UtcNow + Patience;
        string? statusUrl = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (statusUrl is null)
                {
                    using var response = await gateway.PostAsJsonAsync("/gitlab/projects/1/apply-backlog", Request());
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return true;
                    }

                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        statusUrl = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status_url").GetString();
                    }
                }
                else
                {
                    var operation = await gateway.GetFromJsonAsync<JsonElement>(statusUrl);
                    if (operation.GetProperty("status").GetString() is "completed" or "failed")
                    {
                        return operation.GetProperty("status").GetString() == "completed";
                    }
                }
            }
            catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException)
            {
                // The gateway is down or restarting: ask again.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        return false;
    }

    private object Request() =>
        new
        {
            prompt_id = prompt,
            epics = Array.Empty<object>(),
            issues = Enumerable
                .Range(0, issues)
                .Select(i => new
                {
                    title = $"{prompt} issue {i}",
                    description = $"Created while a fault was injected ({prompt})",
                    labels = new[] { "chaos" },
                })
                .ToArray(),
        };

    private async Task<List<string>> IssueTitlesAsync()
    {
        var titles = new List<string>();
        for (var page = 1; ; page++)
        {
            var batch = await gitlab.GetFromJsonAsync<JsonElement[]>(
                $"/api/v4/projects/1/issues?per_page=100&page={page}&search={Uri.EscapeDataString(prompt)}"
            );
            titles.AddRange(batch!.Select(issue => issue.GetProperty("title").GetString()!));
            if (batch!.Length < 100)
            {
                return titles;
            }
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Integration.Reviews;

/// <summary>
/// Reviews on real RabbitMQ and Redis with two consumers replicas, GitLab's hooks over HTTP: asked many times at once,
/// followed through a push, and killed in the middle of posting, a merge request still gets one summary and one thread
/// per finding.
/// </summary>
public sealed class When_reviews_run_on_two_replicas : IClassFixture<ReviewDeployment>
{
    private const string AwsKeyId = "AKIAZ7QW3ERTY5UIOPAS";
    private readonly ReviewDeployment _deployment;

    public When_reviews_run_on_two_replicas(ReviewDeployment deployment) => _deployment = deployment;

    [Fact]
    public async Task Should_post_one_summary_and_one_thread_per_finding_however_often_it_is_asked()
    {
        var iid = await OpenAsync("replicas", ("web/settings.js", $"const key = '{AwsKeyId}';\nconsole.log(key);\n// TODO: rotate\n"));
        await SummaryAsync(iid, _ => true);

        // The open hook delivered five times more at once, each as a new delivery (the gateway would take repeats of one
        // delivery id as one), and another system asking five times on the bus: both replicas take some.
        var hook = await OpenHookAsync(iid);
        using var gateway = new HttpClient { BaseAddress = new Uri(_deployment.Gateway.Url) };
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => DeliverAsync(gateway, hook)));
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.Accepted, status));
        await Task.WhenAll(
            Enumerable
                .Range(0, 5)
                .Select(_ =>
                    _deployment.Infrastructure.PublishRawAsync(
                        "GitLabBus.Contracts:ReviewRequested",
                        $$"""{"projectId":1,"mergeRequestIid":{{iid}},"source":"bus"}"""
                    )
                )
        );
        var head = await _deployment.Root.CommitAsync(
            "replicas",
            null,
            ("web/settings.js", $"debugger;\nconst key = '{AwsKeyId}';\nconsole.log(key);\n// TODO: rotate\n")
        );
        var summary = await SummaryAsync(iid, body => body.Contains(head[..12], StringComparison.Ordinal));

        var discussions = await DiscussionsAsync(iid);
        Assert.Single(discussions, d => Body(d).Contains("gitlabbus:review", StringComparison.Ordinal));
        Assert.Equal(
            summary.Id,
            discussions
                .Single(d => Body(d).Contains("gitlabbus:review", StringComparison.Ordinal))
                .GetProperty("notes")[0]
                .GetProperty("id")
                .GetInt64()
        );
        Assert.Equal(4, discussions.Count(d => Body(d).Contains("gitlabbus:finding:", StringComparison.Ordinal)));
        Assert.All(discussions, d => Assert.DoesNotContain(AwsKeyId, Body(d), StringComparison.Ordinal));
        Assert.DoesNotContain(AwsKeyId, _deployment.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_post_nothing_twice_after_the_consumers_are_killed_while_posting()
    {
        const int findings = 150;
        var lines = string.Concat(Enumerable.Range(0, findings).Select(i => $"console.log({i});\n"));
        var iid = await OpenAsync("killed", ("web/noisy.js", lines));
        List<JsonElement> atKill = [];
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                    (atKill = await DiscussionsAsync(iid)).Any(d => Body(d).Contains("gitlabbus:finding:", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(60)
            ),
            _deployment.Output
        );

        await _deployment.KillAndRestartConsumersAsync();

        await SummaryAsync(iid, _ => true);
        var threads = (await DiscussionsAsync(iid)).Where(d => Body(d).Contains("gitlabbus:finding:", StringComparison.Ordinal)).ToList();
        // Killed in the middle of posting: some threads were there, the summary (written last) was not.
        Assert.DoesNotContain(atKill, d => Body(d).Contains("gitlabbus:review", StringComparison.Ordinal));
        Assert.Equal(findings, threads.Count);
        var placed = threads.Select(d => d.GetProperty("notes")[0].GetProperty("position").GetProperty("new_line").GetInt32());
        Assert.Equal(findings, placed.Distinct().Count());
        Assert.Single(await DiscussionsAsync(iid), d => Body(d).Contains("gitlabbus:review", StringComparison.Ordinal));
    }

    /// <summary>The merge request hook GitLab sent when <paramref name="iid"/> was opened, as the gateway's log kept it.</summary>
    private async Task<string> OpenHookAsync(long iid)
    {
        using var admin = _deployment.Api("admin");
        var log = await admin.GetFromJsonAsync<JsonElement>("/webhooks/deliveries?limit=500");
        foreach (var delivery in log.GetProperty("deliveries").EnumerateArray())
        {
            if (delivery.GetProperty("event").GetString() != "Merge Request Hook")
            {
                continue;
            }

            var stored = await admin.GetFromJsonAsync<JsonElement>(
                $"/webhooks/deliveries/{delivery.GetProperty("delivery_id").GetString()}"
            );
            var payload = stored.GetProperty("payload");
            var attributes = payload.GetProperty("object_attributes");
            if (attributes.GetProperty("iid").GetInt64() == iid && attributes.GetProperty("action").GetString() == "open")
            {
                return payload.GetRawText();
            }
        }

        throw new InvalidOperationException($"the gateway logged no open hook of !{iid}");
    }

    private static async Task<HttpStatusCode> DeliverAsync(HttpClient gateway, string hook)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/gitlab")
        {
            Content = new StringContent(hook, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Gitlab-Event", "Merge Request Hook");
        request.Headers.Add("X-Gitlab-Token", RoleDeployment.WebhookSecret);
        request.Headers.Add("X-Gitlab-Event-UUID", Guid.NewGuid().ToString());
        using var answer = await gateway.SendAsync(request);
        return answer.StatusCode;
    }

    private async Task<long> OpenAsync(string branch, params (string Path, string Content)[] files)
    {
        await _deployment.Root.CommitAsync(branch, "main", files);
        return await _deployment.Root.OpenMergeRequestAsync(branch, $"Change on {branch}");
    }

    private async Task<(long Id, string Body)> SummaryAsync(long iid, Func<string, bool> matches)
    {
        (long Id, string Body) found = default;
        Assert.True(
            await GitLabDelivery.EventuallyAsync(
                async () =>
                {
                    var summary = (await DiscussionsAsync(iid))
                        .Select(d => d.GetProperty("notes")[0])
                        .FirstOrDefault(note =>
                            note.GetProperty("body").GetString()!.Contains("gitlabbus:review", StringComparison.Ordinal)
                        );
                    if (summary.ValueKind != JsonValueKind.Object || !matches(summary.GetProperty("body").GetString()!))
                    {
                        return false;
                    }

                    found = (summary.GetProperty("id").GetInt64(), summary.GetProperty("body").GetString()!);
                    return true;
                },
                TimeSpan.FromSeconds(90)
            ),
            _deployment.Output
        );
        return found;
    }

    private async Task<List<JsonElement>> DiscussionsAsync(long iid)
    {
        var all = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var items = await _deployment.Root.GetFromJsonAsync<JsonElement[]>(
                $"/api/v4/projects/1/merge_requests/{iid}/discussions?per_page=100&page={page}"
            );
            all.AddRange(items!);
            if (items!.Length < 100)
            {
                return all;
            }
        }
    }

    private static string Body(JsonElement discussion) => discussion.GetProperty("notes")[0].GetProperty("body").GetString()!;
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Identity;

/// <summary>
/// An organisation's merge queue: entered over <c>/api/orgs/{org_id}/gitlab/projects/{id}/merge-queue</c> or by a <c>/merge</c>
/// note through the organisation's own hook, batched, tested and landed at its GitLab (a second simulator) with its token,
/// while the served GitLab's queue of the same project id stays empty.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_an_organisations_merge_requests_go_through_its_queue : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    private const string Org = "acme-queue";
    private const string WebhookSecret = "acme-webhook-secret-7d6c5b4a";

    private readonly GatewayFactory _gateway = new GatewayFactory()
        .With("PIPELINE_POLL_INTERVAL_SECONDS", "0.2")
        .With("PIPELINE_POLL_MAX_INTERVAL_SECONDS", "0.5")
        .With("MERGE_STEP_LEASE_SECONDS", "3");

    private readonly SimulatorFixture _orgGitLab;
    private HttpClient _owner = null!;
    private HttpClient _served = null!;
    private HttpClient _orgApi = null!;
    private System.Collections.Concurrent.ConcurrentQueue<string> _messages = null!;

    public When_an_organisations_merge_requests_go_through_its_queue(SimulatorFixture orgGitLab) => _orgGitLab = orgGitLab;

    private static string Queue => $"/api/orgs/{Org}/gitlab/projects/1/merge-queue";

    public async Task InitializeAsync()
    {
        _owner = _gateway.ClientOf([Roles.ProjectOwner], orgs: [Org]);
        _served = _gateway.ClientWithRoles(Roles.ProjectOwner);
        _messages = _gateway.RecordMessages();
        _orgApi = _orgGitLab.ClientAs(SimulatorOptions.DefaultToken);
        (await _orgApi.PostAsJsonAsync("/_sim/clock", new { speed = 100 })).EnsureSuccessStatusCode();
        await _owner.ConfigureGitLabAsync(Org, _orgGitLab.Url, WebhookSecret);
    }

    public async Task DisposeAsync()
    {
        _owner.Dispose();
        _served.Dispose();
        _orgApi.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Should_land_a_merge_request_entered_over_http_at_the_organisations_GitLab()
    {
        var iid = await ReadyMergeRequestAsync("acme-over-http", "acme/over-http.txt");

        using var accepted = await _owner.PostAsJsonAsync(Queue, new { merge_request_iid = iid });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await MergedAsync(iid);
        // The queue records the landing once its batch has cleaned up, a moment after GitLab shows the merge.
        var inHistory = await GitLabDelivery.EventuallyAsync(async () =>
            (await (await _owner.GetAsync($"{Queue}/history")).JsonAsync())
                .GetProperty("items")
                .EnumerateArray()
                .Any(item => item.GetProperty("merge_request_iid").GetInt64() == iid && item.GetProperty("outcome").GetString() == "merged")
        );
        var served = await (await _served.GetAsync("/gitlab/projects/1/merge-queue/history")).JsonAsync();
        using var landed = await _orgApi.GetAsync("/api/v4/projects/1/repository/files/acme%2Fover-http.txt/raw?ref=main");

        Assert.True(inHistory, $"!{iid} is not in the organisation's queue history as merged");
        Assert.Empty(served.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        Assert.True(await NoBatchLeftAsync(), "a batch branch was left at the organisation's GitLab");
        // The organisation's token and secret did the work and went nowhere else.
        foreach (var secret in new[] { SimulatorOptions.DefaultToken, WebhookSecret })
        {
            Assert.DoesNotContain(_messages, message => message.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(_gateway.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Should_take_a_merge_command_of_the_organisations_hook_from_a_developer_there()
    {
        var iid = await ReadyMergeRequestAsync("acme-by-note", "acme/by-note.txt");
        using var alice = _orgGitLab.ClientAs(SimulatorOptions.DeveloperToken);
        var author = await alice.GetFromJsonAsync<JsonElement>("/api/v4/user");
        using var written = await alice.PostAsJsonAsync($"/api/v4/projects/1/merge_requests/{iid}/notes", new { body = "/merge" });
        var note = await written.JsonAsync();

        using var delivered = await DeliverAsync(
            new
            {
                object_kind = "note",
                user = new { id = author.GetProperty("id").GetInt64(), username = author.GetProperty("username").GetString() },
                project = new { id = 1, path_with_namespace = "demo/shop" },
                object_attributes = new
                {
                    id = note.GetProperty("id").GetInt64(),
                    note = "/merge",
                    noteable_type = "MergeRequest",
                    project_id = 1,
                    author_id = author.GetProperty("id").GetInt64(),
                },
                merge_request = new { iid },
            }
        );

        Assert.Equal(HttpStatusCode.Accepted, delivered.StatusCode);
        await MergedAsync(iid);
    }

    /// <summary>A merge request into main at the organisation's GitLab whose own pipeline passed, as admission wants it.</summary>
    private async Task<long> ReadyMergeRequestAsync(string branch, string path)
    {
        await _orgApi.CommitAsync(branch, "main", (path, $"{branch}\n"));
        var iid = await _orgApi.OpenMergeRequestAsync(branch, $"Acme {branch}");
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

    private async Task MergedAsync(long iid)
    {
        var mr = default(JsonElement);
        var merged = await GitLabDelivery.EventuallyAsync(
            async () => (mr = await MergeRequestAsync(iid)).GetProperty("state").GetString() == "merged",
            TimeSpan.FromSeconds(90)
        );
        var queue = await (await _owner.GetAsync(Queue)).JsonAsync();
        Assert.True(merged, $"!{iid} was not merged at the organisation's GitLab: {mr}; its queue: {queue}");
    }

    private Task<JsonElement> MergeRequestAsync(long iid) =>
        _orgApi.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/merge_requests/{iid}");

    private Task<bool> NoBatchLeftAsync() =>
        GitLabDelivery.EventuallyAsync(async () =>
            (
                await _orgApi.GetFromJsonAsync<JsonElement>("/api/v4/projects/1/repository/branches?per_page=100&search=merge-assist")
            ).GetArrayLength() == 0
        );

    private async Task<HttpResponseMessage> DeliverAsync(object payload)
    {
        using var request = GitLabDelivery.ForOrganisation(Org, JsonSerializer.Serialize(payload), "Note Hook", WebhookSecret);
        using var anonymous = _gateway.CreateClient();
        return await anonymous.SendAsync(request);
    }
}

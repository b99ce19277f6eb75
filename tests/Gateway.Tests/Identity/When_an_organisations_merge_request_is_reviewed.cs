using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Simulator;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Identity;

/// <summary>
/// Reviews of an organisation's merge requests: asked over <c>/api/orgs/{org_id}/gitlab/projects/{id}/merge-requests/{iid}/review</c>
/// or by the organisation's own merge request hook, done at its GitLab (a second simulator) with its token, and kept apart
/// from the served GitLab's merge request of the same iid.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_an_organisations_merge_request_is_reviewed
    : IClassFixture<GatewayFactory>,
        IClassFixture<SimulatorFixture>,
        IAsyncLifetime
{
    private const string WebhookSecret = "acme-webhook-secret-3e4f5a6b";

    private readonly GatewayFactory _gateway;
    private readonly SimulatorFixture _orgGitLab;
    private readonly string _org = $"acme-{Guid.NewGuid():N}"[..20];
    private readonly HttpClient _owner;
    private readonly HttpClient _served;
    private readonly HttpClient _orgApi;

    public When_an_organisations_merge_request_is_reviewed(GatewayFactory gateway, SimulatorFixture orgGitLab)
    {
        _gateway = gateway;
        _orgGitLab = orgGitLab;
        _owner = gateway.ClientOf([Roles.ProjectOwner], orgs: [_org]);
        _served = gateway.ClientWithRoles(Roles.ProjectOwner);
        _orgApi = orgGitLab.ClientAs(SimulatorOptions.DefaultToken);
    }

    private string Org => $"/api/orgs/{_org}";

    public Task InitializeAsync() => _owner.ConfigureGitLabAsync(_org, _orgGitLab.Url, WebhookSecret);

    public Task DisposeAsync()
    {
        _owner.Dispose();
        _served.Dispose();
        _orgApi.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_review_over_http_at_the_organisations_GitLab_and_keep_the_review_within_the_organisation()
    {
        var (iid, sha) = await NewMergeRequestAsync();

        using var accepted = await _owner.PostAsJsonAsync($"{Org}/gitlab/projects/1/merge-requests/{iid}/review", new { });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var operation = await _owner.OperationEndedAsync(
            (await accepted.JsonAsync()).GetProperty("operation_id").GetString()!,
            TimeSpan.FromSeconds(30)
        );
        var review = await (await _owner.GetAsync($"{Org}/gitlab/projects/1/merge-requests/{iid}/review")).JsonAsync();
        using var atServed = await _served.GetAsync($"/gitlab/projects/1/merge-requests/{iid}/review");

        Assert.Equal("completed", operation.GetProperty("status").GetString());
        Assert.Equal(sha, review.GetProperty("head_sha").GetString());
        Assert.Contains(await NotesAsync(iid), note => note.GetProperty("id").GetInt64() == review.GetProperty("note_id").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, atServed.StatusCode);
    }

    [Fact]
    public async Task Should_review_a_merge_request_the_organisations_hook_says_was_opened()
    {
        var (iid, sha) = await NewMergeRequestAsync();

        using var delivered = await DeliverAsync(
            new
            {
                object_kind = "merge_request",
                user = new { id = 4242, username = "dev-at-acme" },
                project = new { id = 1, path_with_namespace = "demo/shop" },
                object_attributes = new
                {
                    iid,
                    target_project_id = 1,
                    action = "open",
                    state = "opened",
                    target_branch = "main",
                    title = "Acme change",
                    last_commit = new { id = sha },
                },
            }
        );
        var review = default(JsonElement);
        var reviewed = await GitLabDelivery.EventuallyAsync(
            async () =>
            {
                using var read = await _owner.GetAsync($"{Org}/gitlab/projects/1/merge-requests/{iid}/review");
                review = read.StatusCode == HttpStatusCode.OK ? await read.JsonAsync() : default;
                return read.StatusCode == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(30)
        );

        Assert.Equal(HttpStatusCode.Accepted, delivered.StatusCode);
        Assert.True(reviewed, "the organisation's hook asked for no review");
        Assert.Equal(sha, review.GetProperty("head_sha").GetString());
        Assert.Single(await NotesAsync(iid), note => note.GetProperty("id").GetInt64() == review.GetProperty("note_id").GetInt64());
    }

    private async Task<(long Iid, string Sha)> NewMergeRequestAsync()
    {
        var branch = $"review-{Guid.NewGuid():N}"[..16];
        var sha = await _orgApi.CommitAsync(branch, "main", ($"acme/{branch}.txt", "TODO: round the invoice totals once\n"));
        return (await _orgApi.OpenMergeRequestAsync(branch, $"Acme change {branch}"), sha);
    }

    private async Task<JsonElement[]> NotesAsync(long iid) =>
        (await _orgApi.GetFromJsonAsync<JsonElement[]>($"/api/v4/projects/1/merge_requests/{iid}/notes?per_page=100"))!;

    private async Task<HttpResponseMessage> DeliverAsync(object payload)
    {
        using var request = GitLabDelivery.ForOrganisation(_org, JsonSerializer.Serialize(payload), "Merge Request Hook", WebhookSecret);
        using var anonymous = _gateway.CreateClient();
        return await anonymous.SendAsync(request);
    }
}

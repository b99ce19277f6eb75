using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Identity;

/// <summary>
/// Roles enforced on every endpoint, read from the API document itself: every operation it lists is in the table below
/// (a new endpoint fails this spec until someone decides who may call it), and every role gets exactly what the table
/// says: past authorization (any answer but 401 and 403) or 403. A token limited to other projects gets 403 on every
/// path that names a project, and a token of other organisations on every path that names an organisation.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_each_role_calls_each_operation : IClassFixture<GatewayFactory>
{
    private const string Anyone = "anyone";

    /// <summary>The organisation every token of the table may act for (its <c>orgs</c> claim).</summary>
    private const string Org = "acme";
    private static readonly string[] Readers = Roles.Readers;
    private static readonly string[] Writers = Roles.Writers;
    private static readonly string[] Admins = [Roles.Admin];

    /// <summary>Who may call what: the contract's table (CONTRACT 3, 7, 8, 9). Viewers only read.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["POST /auth/login"] = [Anyone],
        ["POST /auth/refresh"] = [Anyone],
        ["GET /auth/users"] = Admins,
        ["POST /auth/users"] = Admins,
        ["GET /auth/users/{username}"] = Admins,
        ["PUT /auth/users/{username}"] = Admins,
        ["DELETE /auth/users/{username}"] = Admins,
        ["GET /projects"] = Readers,
        ["GET /auth/gitlab/authorize"] = [Anyone],
        ["GET /auth/gitlab/callback"] = [Anyone],
        ["GET /auth/gitlab/status"] = Readers,
        ["POST /auth/gitlab/disconnect"] = Readers,
        ["GET /api/orgs/{org_id}/integrations/gitlab"] = Readers,
        ["PUT /api/orgs/{org_id}/integrations/gitlab"] = Roles.Configurers,
        ["DELETE /api/orgs/{org_id}/integrations/gitlab"] = Roles.Configurers,
        ["POST /api/orgs/{org_id}/integrations/gitlab/validate"] = Readers,
        ["POST /api/orgs/{org_id}/integrations/gitlab/webhook"] = [Anyone],
        ["GET /api/orgs/{org_id}/tasks/{task_id}/gitlab-links"] = Readers,
        ["POST /api/orgs/{org_id}/tasks/{task_id}/gitlab-links"] = Writers,
        ["DELETE /api/orgs/{org_id}/tasks/{task_id}/gitlab-links/{link_id}"] = Writers,
        ["GET /api/orgs/{org_id}/audit"] = Readers,
        ["POST /webhooks/gitlab"] = [Anyone],
        ["GET /webhooks/deliveries"] = Readers,
        ["GET /webhooks/deliveries/{delivery_id}"] = Readers,
        ["POST /webhooks/deliveries/{delivery_id}/replay"] = Admins,
        ["GET /operations/{operation_id}"] = Readers,
        ["GET /operations/{operation_id}/events"] = Readers,
        ["POST /gitlab/projects/{project_id}/apply-backlog"] = Writers,
        ["GET /gitlab/projects/{project_id}/backlog"] = Readers,
        ["GET /gitlab/projects/{project_id}/backlog/similar"] = Readers,
        ["POST /gitlab/projects/{project_id}/backlog/duplicates"] = Readers,
        ["POST /gitlab/projects/resolve"] = Readers,
        ["POST /gitlab/projects/{project_id}/cache-embeddings"] = Writers,
        ["POST /api/orgs/{org_id}/gitlab/projects/{project_id}/apply-backlog"] = Writers,
        ["GET /api/orgs/{org_id}/gitlab/projects/{project_id}/backlog"] = Readers,
        ["GET /api/orgs/{org_id}/gitlab/projects/{project_id}/backlog/similar"] = Readers,
        ["POST /api/orgs/{org_id}/gitlab/projects/{project_id}/backlog/duplicates"] = Readers,
        ["POST /api/orgs/{org_id}/gitlab/projects/resolve"] = Readers,
        ["POST /api/orgs/{org_id}/gitlab/projects/{project_id}/cache-embeddings"] = Writers,
        ["GET /gitlab/projects/{project_id}/pipelines/{pipeline_id}"] = Readers,
        ["GET /gitlab/projects/{project_id}/pipelines/{pipeline_id}/jobs"] = Readers,
        ["GET /gitlab/projects/{project_id}/jobs/{job_id}/trace"] = Readers,
        ["GET /gitlab/projects/{project_id}/jobs/{job_id}/artifacts"] = Readers,
        ["GET /gitlab/projects/{project_id}/jobs/{job_id}/artifacts/{path}"] = Readers,
        ["GET /gitlab/projects/{project_id}/environments"] = Readers,
        ["POST /gitlab/projects/{project_id}/pipelines"] = Writers,
        ["POST /gitlab/projects/{project_id}/pipelines/{pipeline_id}/cancel"] = Writers,
        ["POST /gitlab/projects/{project_id}/pipelines/{pipeline_id}/retry"] = Writers,
        ["POST /gitlab/projects/{project_id}/jobs/{job_id}/retry"] = Writers,
        ["POST /gitlab/projects/{project_id}/jobs/{job_id}/cancel"] = Writers,
        ["POST /gitlab/projects/{project_id}/jobs/{job_id}/play"] = Writers,
        ["POST /gitlab/projects/{project_id}/environments/{environment_id}/stop"] = Writers,
        ["GET /api/orgs/{org_id}/gitlab/projects/{project_id}/pipelines/{pipeline_id}"] = Readers,
        ["GET /api/orgs/{org_id}/gitlab/projects/{project_id}/pipelines/{pipeline_id}/jobs"] = Readers,
        ["GET /api/orgs/{org_id}/gitlab/projects/{project_id}/jobs/{job_id}/trace"] = Readers,
        ["GET /api/orgs/{org_id}/gitlab/projects/{project_id}/jobs/{job_id}/artifacts"] = Readers,
        ["GET /api/orgs/{org_id}/gitlab/projects/{project_id}/jobs/{job_id}/artifacts/{path}"] = Readers,
        ["GET /api/orgs/{org_id}/gitlab/projects/{project_id}/environments"] = Readers,
        ["POST /api/orgs/{org_id}/gitlab/projects/{project_id}/pipelines"] = Writers,
        ["POST /api/orgs/{org_id}/gitlab/projects/{project_id}/pipelines/{pipeline_id}/cancel"] = Writers,
        ["POST /api/orgs/{org_id}/gitlab/projects/{project_id}/pipelines/{pipeline_id}/retry"] = Writers,
        ["POST /api/orgs/{org_id}/gitlab/projects/{project_id}/jobs/{job_id}/retry"] = Writers,
        ["POST /api/orgs/{org_id}/gitlab/projects/{project_id}/jobs/{job_id}/cancel"] = Writers,
        ["POST /api/orgs/{org_id}/gitlab/projects/{project_id}/jobs/{job_id}/play"] = Writers,
        ["POST /api/orgs/{org_id}/gitlab/projects/{project_id}/environments/{environment_id}/stop"] = Writers,
        ["GET /gitlab/projects/{project_id}/merge-queue"] = Readers,
        ["POST /gitlab/projects/{project_id}/merge-queue"] = Writers,
        ["GET /gitlab/projects/{project_id}/merge-queue/history"] = Readers,
        ["DELETE /gitlab/projects/{project_id}/merge-queue/{merge_request_iid}"] = Writers,
        ["PUT /gitlab/projects/{project_id}/merge-queue/{merge_request_iid}/priority"] = Roles.Prioritisers,
        ["GET /gitlab/projects/{project_id}/merge-queue/config"] = Readers,
        ["PUT /gitlab/projects/{project_id}/merge-queue/config"] = Roles.Configurers,
        ["GET /projects/{project_id}/config"] = Readers,
        ["PUT /projects/{project_id}/config"] = Roles.Configurers,
        ["POST /gitlab/projects/{project_id}/merge-requests/{merge_request_iid}/review"] = Writers,
        ["GET /gitlab/projects/{project_id}/merge-requests/{merge_request_iid}/review"] = Readers,
        ["POST /api/orgs/{org_id}/gitlab/projects/{project_id}/merge-requests/{merge_request_iid}/review"] = Writers,
        ["GET /api/orgs/{org_id}/gitlab/projects/{project_id}/merge-requests/{merge_request_iid}/review"] = Readers,
        ["GET /api/orgs/{org_id}/gitlab/projects/{project_id}/merge-queue"] = Readers,
        ["POST /api/orgs/{org_id}/gitlab/projects/{project_id}/merge-queue"] = Writers,
        ["GET /api/orgs/{org_id}/gitlab/projects/{project_id}/merge-queue/history"] = Readers,
        ["DELETE /api/orgs/{org_id}/gitlab/projects/{project_id}/merge-queue/{merge_request_iid}"] = Writers,
        ["PUT /api/orgs/{org_id}/gitlab/projects/{project_id}/merge-queue/{merge_request_iid}/priority"] = Roles.Prioritisers,
        ["GET /api/orgs/{org_id}/gitlab/projects/{project_id}/merge-queue/config"] = Readers,
        ["PUT /api/orgs/{org_id}/gitlab/projects/{project_id}/merge-queue/config"] = Roles.Configurers,
        ["GET /api/orgs/{org_id}/projects/{project_id}/config"] = Readers,
        ["PUT /api/orgs/{org_id}/projects/{project_id}/config"] = Roles.Configurers,
        ["GET /sagas"] = Readers,
        ["GET /sagas/{saga}/{correlation_id}"] = Readers,
        ["GET /sagas/{saga}/{correlation_id}/journal"] = Readers,
        ["POST /sagas/{saga}/{correlation_id}/replay"] = Readers,
        ["GET /health"] = [Anyone],
        ["GET /health/live"] = [Anyone],
        ["GET /health/ready"] = [Anyone],
        ["GET /metrics"] = [Anyone],
    };

    private static readonly Dictionary<string, string> Values = new(StringComparer.Ordinal)
    {
        ["{project_id}"] = "1",
        ["{pipeline_id}"] = "1",
        ["{job_id}"] = "1",
        ["{environment_id}"] = "1",
        ["{merge_request_iid}"] = "1",
        ["{username}"] = "nobody-listed",
        ["{delivery_id}"] = "01760000-9a21-5501-ce25-08df4ff15a3f",
        ["{operation_id}"] = "0176000a-9a21-5501-3b7c-08df4ff15a3f",
        ["{saga}"] = "merge-queue",
        ["{correlation_id}"] = "4b1d7e3a-0c9e-5d61-9a8f-3c2b1a0f9e8d",
        ["{path}"] = "reports/junit.xml",
        ["{org_id}"] = Org,
        ["{task_id}"] = "task-1",
        ["{link_id}"] = "lnk_000000000000000000000000",
    };

    private readonly GatewayFactory _gateway;

    public When_each_role_calls_each_operation(GatewayFactory gateway) => _gateway = gateway;

    public static TheoryData<string> RolesToTry => [Roles.Admin, Roles.ProjectOwner, Roles.PriorityManager, Roles.Viewer, "no-role"];

    [Fact]
    public async Task Should_have_decided_who_may_call_every_operation_of_the_api_document()
    {
        var documented = await OperationsAsync();

        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(RolesToTry))]
    public async Task Should_let_each_role_call_exactly_what_the_table_allows(string role)
    {
        using var client = ClientWith(
            TokenIssuer.Issue(_gateway.Settings, "test-user", [role], TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow, orgs: [Org])
        );
        var wrong = new List<string>();

        foreach (var operation in await OperationsAsync())
        {
            var status = await CallAsync(client, operation);
            // What anyone may call checks its own credential, if any (the webhook's X-Gitlab-Token), never the bearer's roles.
            var open = Allowed[operation].Contains(Anyone);
            var allowed = open || Allowed[operation].Contains(role);
            var refused = status == HttpStatusCode.Forbidden || (!open && status == HttpStatusCode.Unauthorized);
            if (allowed == refused)
            {
                wrong.Add($"{operation} as {role}: {(int)status}, expected {(allowed ? "past authorization" : "403")}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task Should_refuse_a_token_limited_to_other_projects_on_every_path_naming_a_project()
    {
        var token = TokenIssuer.Issue(
            _gateway.Settings,
            "elsewhere",
            [Roles.ProjectOwner],
            TimeSpan.FromMinutes(5),
            DateTimeOffset.UtcNow,
            projects: [2]
        );

        await AssertRefusedWhereNamedAsync(token, "{project_id}");
    }

    [Fact]
    public async Task Should_refuse_a_token_of_other_organisations_on_every_path_naming_an_organisation()
    {
        var token = TokenIssuer.Issue(
            _gateway.Settings,
            "elsewhere",
            [Roles.ProjectOwner],
            TimeSpan.FromMinutes(5),
            DateTimeOffset.UtcNow,
            orgs: ["globex"]
        );

        await AssertRefusedWhereNamedAsync(token, "{org_id}");
    }

    /// <summary>Every operation whose path has <paramref name="placeholder"/>, save those anyone may call, answers 403.</summary>
    private async Task AssertRefusedWhereNamedAsync(string token, string placeholder)
    {
        using var client = ClientWith(token);
        var wrong = new List<string>();
        var named = (await OperationsAsync()).Where(operation =>
            operation.Contains(placeholder, StringComparison.Ordinal) && !Allowed[operation].Contains(Anyone)
        );
        foreach (var operation in named)
        {
            if (await CallAsync(client, operation) is var status and not HttpStatusCode.Forbidden)
            {
                wrong.Add($"{operation}: {(int)status}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private async Task<List<string>> OperationsAsync()
    {
        using var client = _gateway.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        return
        [
            .. document
                .GetProperty("paths")
                .EnumerateObject()
                .SelectMany(path => path.Value.EnumerateObject().Select(method => $"{method.Name.ToUpperInvariant()} {path.Name}")),
        ];
    }

    private static async Task<HttpStatusCode> CallAsync(HttpClient client, string operation)
    {
        var (method, template) = (operation[..operation.IndexOf(' ')], operation[(operation.IndexOf(' ') + 1)..]);
        var path = Values.Aggregate(template, (built, value) => built.Replace(value.Key, value.Value, StringComparison.Ordinal));
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    private HttpClient ClientWith(string token)
    {
        var client = _gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

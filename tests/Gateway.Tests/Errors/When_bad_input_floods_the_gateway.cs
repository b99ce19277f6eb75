using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Errors;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GitLabBus.Tests.Gateway.Errors;

/// <summary>
/// A corpus of malformed requests across every endpoint (tokens, paths, queries, bodies, headers, webhooks): none gets a
/// 5xx, every refusal carries the contract's error body with a bounded message and no stack trace, the gateway keeps no
/// more memory than it had, and no secret of the requests reaches the log.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_bad_input_floods_the_gateway : IClassFixture<GatewayFactory>
{
    private const string CallerToken = "glpat-corpus-caller-secret-7d1e";
    private const string TriggerToken = "glptt-corpus-trigger-secret-9b2c";

    private static readonly string[] Projects =
    [
        "abc",
        "-1",
        "0",
        "1.5",
        "99999999999999999999999",
        "%2e%2e%2f",
        "1%20OR%201%3D1",
        new('9', 300),
    ];

    private static readonly string[] Numbers = ["x", "-5", "0", "1e9", "99999999999999999999", "%20", new('7', 200)];

    private static readonly string[] Bodies =
    [
        "",
        "{",
        "[]",
        "null",
        "123",
        "\"text\"",
        "{\"a\":",
        "{\"ref\":null,\"variables\":{}}",
        "{\"ref\":123,\"variables\":[null,1,\"x\"]}",
        "{\"merge_request_iid\":\"twelve\",\"priority\":\"high\"}",
        "{\"merge_request_iid\":-1,\"priority\":99999999999}",
        "{\"priority\":null}",
        "{\"batch_size\":0,\"max_parallel_batches\":-1,\"target_branches\":[null,\"\"],\"labels\":{\"ready\":null}}",
        "{\"batch_size\":1000,\"target_branches\":\"main\",\"paused\":\"yes\"}",
        "{\"command\":\"rewrite\",\"question\":null}",
        "{\"command\":\"ask\"}",
        "{\"prompt_id\":\"p\",\"epics\":[null],\"issues\":[null,{\"labels\":[null]}]}",
        "{\"prompt_id\":\"\",\"epics\":{},\"issues\":\"none\"}",
        "{\"gitlab_url\":\"javascript:alert(1)\"}",
        "{\"gitlab_path\":null,\"gitlab_url\":[\"https://x\"]}",
        "{\"ref\":\"main\",\"variables\":[{\"key\":null,\"value\":null,\"variable_type\":null}]}",
        "{\"ref\":\"" + new string('r', 100_000) + "\"}",
        "{\"a\":1,\"a\":2,\"__proto__\":{\"admin\":true}}",
        new string('[', 5_000) + new string(']', 5_000),
        "{\"title\":\"\\ud800\"}",
        "{\"ref\":\"main\\ud800\",\"prompt_id\":\"p\\udfff\",\"command\":\"ask\",\"question\":\"\\ud800?\",\"gitlab_path\":\"a/\\ud800\"}",
        "{\"prompt_id\":\"p-\\ud800\",\"epics\":[{\"title\":\"\\ud800\"}],\"issues\":[]}",
    ];

    private static readonly (HttpMethod Method, string Path, bool Writes)[] Endpoints =
    [
        (HttpMethod.Get, "/gitlab/projects/{p}/backlog", false),
        (HttpMethod.Post, "/gitlab/projects/{p}/apply-backlog", true),
        (HttpMethod.Post, "/gitlab/projects/{p}/cache-embeddings", true),
        (HttpMethod.Post, "/gitlab/projects/resolve", false),
        (HttpMethod.Post, "/gitlab/projects/{p}/pipelines", true),
        (HttpMethod.Get, "/gitlab/projects/{p}/pipelines/{n}", false),
        (HttpMethod.Get, "/gitlab/projects/{p}/pipelines/{n}/jobs", false),
        (HttpMethod.Post, "/gitlab/projects/{p}/pipelines/{n}/cancel", true),
        (HttpMethod.Post, "/gitlab/projects/{p}/pipelines/{n}/retry", true),
        (HttpMethod.Post, "/gitlab/projects/{p}/jobs/{n}/retry", true),
        (HttpMethod.Get, "/gitlab/projects/{p}/jobs/{n}/trace", false),
        (HttpMethod.Get, "/gitlab/projects/{p}/jobs/{n}/artifacts", false),
        (HttpMethod.Get, "/gitlab/projects/{p}/environments", false),
        (HttpMethod.Get, "/gitlab/projects/{p}/merge-queue", false),
        (HttpMethod.Post, "/gitlab/projects/{p}/merge-queue", true),
        (HttpMethod.Delete, "/gitlab/projects/{p}/merge-queue/{n}", true),
        (HttpMethod.Put, "/gitlab/projects/{p}/merge-queue/{n}/priority", true),
        (HttpMethod.Get, "/gitlab/projects/{p}/merge-queue/config", false),
        (HttpMethod.Put, "/gitlab/projects/{p}/merge-queue/config", true),
        (HttpMethod.Get, "/gitlab/projects/{p}/merge-queue/history", false),
        (HttpMethod.Post, "/gitlab/projects/{p}/merge-requests/{n}/review", true),
        (HttpMethod.Get, "/gitlab/projects/{p}/merge-requests/{n}/review", false),
        (HttpMethod.Get, "/operations/{n}", false),
        (HttpMethod.Get, "/webhooks/deliveries/{n}", false),
        (HttpMethod.Post, "/webhooks/deliveries/{n}/replay", true),
        (HttpMethod.Get, "/sagas/{n}/{n}", false),
        (HttpMethod.Get, "/sagas/merge-queue/{n}/journal", false),
    ];

    private readonly GatewayFactory _gateway;

    public When_bad_input_floods_the_gateway(GatewayFactory gateway) => _gateway = gateway;

    [Fact]
    public async Task Should_refuse_every_request_with_the_contracts_body_keep_no_memory_and_log_no_secret()
    {
        using var client = _gateway.CreateClient();
        await client.GetAsync("/health");
        var corpus = Corpus().ToList();
        Assert.True(corpus.Count >= 500, $"{corpus.Count} requests");
        // A first pass warms what is cached for good (routes, JSON contracts, the OpenAPI document), then the second is
        // measured: what it leaves behind is what the gateway keeps of bad input.
        await SendAllAsync(client, corpus.Take(120).ToList());
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var problems = await SendAllAsync(client, corpus);

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Empty(problems);
        Assert.True(after - before < 50L * 1024 * 1024, $"kept {(after - before) / (1024 * 1024)} MB more after {corpus.Count} requests");
        var log = _gateway.Logs.AllText;
        foreach (var secret in new[] { CallerToken, TriggerToken, GatewayFactory.WebhookSecret, GatewayFactory.JwtSecret })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }
    }

    private async Task<List<string>> SendAllAsync(HttpClient client, IReadOnlyList<Func<HttpRequestMessage>> corpus)
    {
        var problems = new List<string>();
        await Parallel.ForEachAsync(
            corpus,
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (make, cancellationToken) =>
            {
                using var request = make();
                var sent = request.Content is null ? "" : " " + Shorten(await request.Content.ReadAsStringAsync(cancellationToken));
                var label = $"{request.Method} {Shorten(request.RequestUri!.OriginalString)}{sent}";
                using var response = await client.SendAsync(request, cancellationToken);
                if (await ProblemAsync(response, cancellationToken) is { } problem)
                {
                    lock (problems)
                    {
                        problems.Add($"{label}: {problem}");
                    }
                }
            }
        );
        return problems;
    }

    private static async Task<string?> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return $"answered {status}";
        }

        if (status < 400)
        {
            return null;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            return $"{status} with {response.Content.Headers.ContentType?.MediaType ?? "no"} content type";
        }

        try
        {
            var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
            var message = error.GetProperty("message").GetString() ?? "";
            return error.GetProperty("code").GetString() is not { Length: > 0 } ? $"{status} without a code"
                : message.Length is 0 or > ApiError.MaxMessageLength ? $"{status} with a message of {message.Length} characters"
                : text.Contains("   at ", StringComparison.Ordinal) ? $"{status} with a stack trace"
                : null;
        }
        catch (Exception unreadable) when (unreadable is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"{status} with a body that is not the contract's: {Shorten(text)}";
        }
    }

    private IEnumerable<Func<HttpRequestMessage>> Corpus()
    {
        var admin = _gateway.TokenFor(Roles.Admin);
        var viewer = _gateway.TokenFor(Roles.Viewer);
        var badTokens = new[]
        {
            "Bearer garbage",
            "Bearer " + admin[..^4] + "AAAA",
            "Basic YWRtaW46YWRtaW4=",
            "Bearer " + SignedWith("another-secret-of-at-least-32-characters!!", DateTime.UtcNow.AddMinutes(5)),
            "Bearer " + SignedWith(GatewayFactory.JwtSecret, DateTime.UtcNow.AddMinutes(-10)),
            "Bearer eyJhbGciOiJub25lIn0.eyJyb2xlcyI6WyJhZG1pbiJdfQ.",
            "Bearer " + new string('a', 20_000),
        };

        foreach (var (method, path, writes) in Endpoints)
        {
            var valid = path.Replace("{p}", "1", StringComparison.Ordinal).Replace("{n}", "1", StringComparison.Ordinal);
            foreach (var token in badTokens)
            {
                yield return () => Request(method, valid, token, "{}");
            }

            if (writes)
            {
                yield return () => Request(method, valid, "Bearer " + viewer, "{}");
            }

            foreach (var project in Projects.Where(_ => path.Contains("{p}", StringComparison.Ordinal)))
            {
                var bad = path.Replace("{p}", project, StringComparison.Ordinal).Replace("{n}", "1", StringComparison.Ordinal);
                yield return () => Request(method, bad, "Bearer " + admin, "{}");
            }

            foreach (var number in Numbers.Where(_ => path.Contains("{n}", StringComparison.Ordinal)))
            {
                var bad = path.Replace("{p}", "1", StringComparison.Ordinal).Replace("{n}", number, StringComparison.Ordinal);
                yield return () => Request(method, bad, "Bearer " + admin, "{}");
            }

            if (method == HttpMethod.Post || method == HttpMethod.Put)
            {
                foreach (var body in Bodies)
                {
                    yield return () => Request(method, valid, "Bearer " + admin, body);
                }

                yield return () => Request(method, valid, "Bearer " + admin, "<xml/>", "application/xml");
                yield return () => Request(method, valid, "Bearer " + admin, "ref=main", "text/plain");
            }
        }

        foreach (
            var query in new[] { "limit=-1", "limit=abc", "limit=0", "limit=99999999999", "page=0", "page=2147483648", "per_page=1000" }
        )
        {
            yield return () => Request(HttpMethod.Get, "/webhooks/deliveries?" + query, "Bearer " + admin, null);
            yield return () => Request(HttpMethod.Get, "/gitlab/projects/1/merge-queue/history?" + query, "Bearer " + admin, null);
            yield return () => Request(HttpMethod.Get, "/gitlab/projects/1/backlog?" + query, "Bearer " + admin, null);
        }

        foreach (
            var query in new[]
            {
                "state=merged",
                "labels=" + string.Join(',', Enumerable.Repeat("x", 500)),
                "search=" + new string('s', 300),
            }
        )
        {
            yield return () => Request(HttpMethod.Get, "/gitlab/projects/1/backlog?" + query, "Bearer " + admin, null);
        }

        yield return () =>
            Request(HttpMethod.Get, "/gitlab/projects/1/merge-queue?target_branch=" + new string('b', 2_000), "Bearer " + admin, null);

        foreach (
            var (name, value) in new[]
            {
                ("X-Request-ID", new string('r', 5_000)),
                ("X-Request-ID", "id\twith\u0001controls"),
                ("GitLab-Access-Token", CallerToken),
                ("GitLab-Access-Token", new string('g', 10_000)),
                ("X-Padding", new string('p', RequestBounds.MaxHeadersLength + 1)),
            }
        )
        {
            yield return () =>
            {
                var request = Request(
                    HttpMethod.Post,
                    "/gitlab/projects/1/pipelines",
                    "Bearer " + admin,
                    "{\"ref\":\"main\",\"trigger_token\":\"" + TriggerToken + "\",\"variables\":[null]}"
                );
                request.Headers.TryAddWithoutValidation(name, value);
                return request;
            };
        }

        foreach (var body in Bodies)
        {
            foreach (
                var (token, eventName) in new[]
                {
                    (GatewayFactory.WebhookSecret, "Push Hook"),
                    ("wrong", "Push Hook"),
                    (GatewayFactory.WebhookSecret, ""),
                }
            )
            {
                yield return () => Webhook(body, token, eventName);
            }
        }

        yield return () => Webhook("{\"object_kind\":\"push\"}", GatewayFactory.WebhookSecret, "Push Hook\u0007" + new string('e', 1_000));
        yield return () => Request(HttpMethod.Get, "/" + new string('x', RequestBounds.MaxTargetLength + 1), null, null);
        yield return () => Request(HttpMethod.Patch, "/gitlab/projects/1/merge-queue", "Bearer " + admin, "{}");
        yield return () => Request(new HttpMethod("PROPFIND"), "/webhooks/gitlab", null, null);
    }

    private static HttpRequestMessage Request(
        HttpMethod method,
        string path,
        string? authorization,
        string? body,
        string contentType = "application/json"
    )
    {
        var request = new HttpRequestMessage(method, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (body is not null && method != HttpMethod.Get && method != HttpMethod.Delete)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        return request;
    }

    private static HttpRequestMessage Webhook(string body, string token, string eventName)
    {
        var request = Request(HttpMethod.Post, "/webhooks/gitlab", null, body);
        request.Headers.TryAddWithoutValidation("X-Gitlab-Token", token);
        if (eventName.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("X-Gitlab-Event", eventName);
        }

        request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());
        return request;
    }

    private static string SignedWith(string secret, DateTime expires) =>
        new JsonWebTokenHandler().CreateToken(
            new SecurityTokenDescriptor
            {
                NotBefore = expires.AddMinutes(-30),
                IssuedAt = expires.AddMinutes(-30),
                Expires = expires,
                Claims = new Dictionary<string, object> { ["sub"] = "corpus", ["roles"] = new[] { "admin" } },
                SigningCredentials = new SigningCredentials(
                    new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)),
                    SecurityAlgorithms.HmacSha256
                ),
            }
        );

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";
}

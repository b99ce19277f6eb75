using System.Text.Json.Nodes;
using GitLabBus.Gateway.Identity;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GitLabBus.Gateway.Observability;

/// <summary>
/// What the generated OpenAPI document cannot know from the endpoints: what each tag is for, a request example on every
/// operation (parameters and bodies a reader can paste), the webhook's headers and body (read by hand, not bound), the
/// integer query parameters the endpoints read as text to answer their own 400, and the health and metrics endpoints.
/// </summary>
internal static class ApiDocumentDetails
{
    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["webhooks"] = "GitLab's hooks in (X-Gitlab-Token), and the delivery log: what arrived, where it went, replay",
        ["operations"] = "Progress of long-running work: its events, status and result, also as a live event stream",
        ["pipelines"] = "Trigger, follow and act on GitLab pipelines and jobs; traces and artifacts streamed",
        ["backlog"] =
            "The backlog of epics and issues, project resolution, title embeddings, work items similar to a text or to proposed items, "
            + "and applying a backlog",
        ["merge queue"] = "Batches of merge requests tested together and merged only as tested: entries, priorities, config",
        ["reviews"] = "Reviews of a merge request's latest commit by the rules reviewer or an LLM",
        ["sagas"] = "The state machines' instances, their journals, and replaying a journal",
        ["identity"] =
            "Users of the gateway: log in, refresh tokens, users and their roles and projects (admins), your projects, "
            + "connecting your session to GitLab (OAuth)",
        ["organisations"] =
            "Organisations with their own GitLab: its address, token and webhook secret (write-only), links from tasks to "
            + "issues and merge requests, its webhook, the audit of every change",
        ["health"] = "Liveness, readiness and Prometheus metrics, without a token",
    };

    private static readonly Dictionary<string, JsonNode> ParameterExamples = new(StringComparer.Ordinal)
    {
        ["project_id"] = "1",
        ["merge_request_iid"] = 1,
        ["pipeline_id"] = 1,
        ["job_id"] = 1,
        ["environment_id"] = 1,
        ["operation_id"] = "0176000a-9a21-5501-3b7c-08df4ff15a3f",
        ["delivery_id"] = "01760000-9a21-5501-ce25-08df4ff15a3f",
        ["saga"] = "merge-queue",
        ["correlation_id"] = "4b1d7e3a-0c9e-5d61-9a8f-3c2b1a0f9e8d",
        ["path"] = "reports/junit.xml",
        ["target_branch"] = "main",
        ["limit"] = 50,
        ["page"] = 1,
        ["per_page"] = 20,
        ["labels"] = "bug,backend",
        ["state"] = "opened",
        ["search"] = "checkout",
        ["username"] = "alice",
        ["org_id"] = "acme",
        ["task_id"] = "task-7",
        ["link_id"] = "lnk_3f0c9d1e8b7a4c2d9e6f1a0b",
        ["session_id"] = "8c1d7e3a-0c9e-4d61-9a8f-3c2b1a0f9e8d",
        ["redirect_uri"] = "/",
        ["text"] = "Discounts are not applied to the cart total",
        ["min_score"] = 0.5,
    };

    /// <summary>Query parameters read as text (so a bad one gets the contract's 400) that are whole numbers.</summary>
    private static readonly HashSet<string> Integers = new(StringComparer.Ordinal) { "limit", "page", "per_page" };

    private static readonly Dictionary<string, string> BodyExamples = new(StringComparer.Ordinal)
    {
        ["POST webhooks/gitlab"] = """{"object_kind":"push","ref":"refs/heads/main","project":{"id":1},"commits":[]}""",
        ["POST gitlab/projects/{project_id}/pipelines"] =
            """{"ref":"main","variables":[{"key":"DEPLOY_TARGET","value":"staging","variable_type":"env_var"}]}""",
        ["POST gitlab/projects/resolve"] = """{"gitlab_path":"demo/shop"}""",
        ["POST gitlab/projects/{project_id}/apply-backlog"] = """
            {"project_id":"1","prompt_id":"gen-2026-12-01-001",
             "epics":[{"id":null,"title":"Security hardening","description":"Keys and secrets","labels":["feature"]}],
             "issues":[{"id":null,"title":"Rotate service keys","description":"Quarterly","labels":["backend"],"epic_id":"new:0"}]}
            """,
        ["POST gitlab/projects/{project_id}/backlog/duplicates"] = """
            {"items":[{"title":"Rotate service keys","description":"Quarterly"},{"title":"Checkout is slow on phones"}]}
            """,
        ["POST gitlab/projects/{project_id}/merge-queue"] = """{"merge_request_iid":1,"priority":0}""",
        ["PUT gitlab/projects/{project_id}/merge-queue/{merge_request_iid}/priority"] = """{"priority":10}""",
        ["PUT gitlab/projects/{project_id}/merge-queue/config"] = """
            {"target_branches":["main"],"batch_size":5,"max_parallel_batches":2,"max_strikes":3,
             "pipeline_timeout_minutes":60,"paused":false}
            """,
        ["PUT projects/{project_id}/config"] = """
            {"target_branches":["main"],"batch_size":5,"max_parallel_batches":2,"max_strikes":3,
             "pipeline_timeout_minutes":60,"paused":false}
            """,
        ["POST auth/login"] = """{"username":"admin","password":"the admin's password"}""",
        ["POST auth/refresh"] = """{"refresh_token":"3f0c9d1e8b7a4c2d9e6f1a0b3c5d7e9f.tR4n5Ft3t0k3n"}""",
        ["POST auth/users"] =
            """{"username":"alice","password":"a long passphrase","roles":["project_owner"],"projects":[1],"orgs":["acme"]}""",
        ["PUT auth/users/{username}"] = """{"roles":["viewer"],"projects":[1,2],"orgs":[]}""",
        ["PUT api/orgs/{org_id}/integrations/gitlab"] =
            """{"base_url":"https://gitlab.acme.example","token":"glpat-…","webhook_secret":"a secret of 16 characters or more"}""",
        ["POST api/orgs/{org_id}/tasks/{task_id}/gitlab-links"] = """{"url":"https://gitlab.acme.example/acme/shop/-/issues/12"}""",
        ["POST gitlab/projects/{project_id}/merge-requests/{merge_request_iid}/review"] =
            """{"command":"ask","question":"what does this change?"}""",
    };

    private static readonly (string Path, string Summary, string Answer)[] Monitoring =
    [
        ("/health", "Every check: the bus, the state store, GitLab", "{\"status\":\"healthy\",\"checks\":{}}"),
        ("/health/live", "The process answers", "{\"status\":\"healthy\",\"checks\":{}}"),
        ("/health/ready", "Ready for traffic: the bus and the state store answer", "{\"status\":\"healthy\",\"checks\":{}}"),
        ("/metrics", "Prometheus text: MassTransit's, the runtime's and every GitLabBus meter", ""),
    ];

    public static void DescribeDocument(OpenApiDocument document)
    {
        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var (name, description) in TagDescriptions)
        {
            if (document.Tags.FirstOrDefault(tag => tag.Name == name) is { } named)
            {
                named.Description = description;
            }
            else
            {
                document.Tags.Add(new OpenApiTag { Name = name, Description = description });
            }
        }

        document.Paths ??= [];
        foreach (var (path, summary, answer) in Monitoring)
        {
            var item = new OpenApiPathItem();
            var content =
                answer.Length == 0
                    ? new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() }
                    : new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Example = JsonNode.Parse(answer) } };
            item.AddOperation(
                HttpMethod.Get,
                new OpenApiOperation
                {
                    Summary = summary,
                    Tags = new HashSet<OpenApiTagReference> { new("health", document) },
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse { Description = "Healthy", Content = content },
                        ["503"] = new OpenApiResponse { Description = "Unhealthy (health endpoints only)" },
                    },
                }
            );
            document.Paths[path] = item;
        }
    }

    public static void DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Name is { } name && ParameterExamples.TryGetValue(name, out var example))
            {
                parameter.Example = example.DeepClone();
            }

            if (parameter is { In: ParameterLocation.Query, Name: { } number } && Integers.Contains(number))
            {
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int32",
                    Minimum = "1",
                };
            }
        }

        // An organisation's work has the same bodies as the served GitLab's.
        var key = $"{context.Description.HttpMethod} {context.Description.RelativePath?.TrimEnd('/')}";
        if (!BodyExamples.ContainsKey(key))
        {
            key = key.Replace($"{OrganisationWork.Prefix}/", "", StringComparison.Ordinal);
        }
        if (key == "POST webhooks/gitlab")
        {
            DescribeWebhook(operation);
        }

        if (BodyExamples.TryGetValue(key, out var body))
        {
            operation.RequestBody ??= new OpenApiRequestBody { Content = new Dictionary<string, OpenApiMediaType>() };
            var media = operation.RequestBody.Content!.TryGetValue("application/json", out var found) ? found : new OpenApiMediaType();
            media.Example = JsonNode.Parse(body);
            operation.RequestBody.Content["application/json"] = media;
        }
    }

    private static void DescribeWebhook(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        foreach (
            var (name, required, description, example) in new (string, bool, string, string)[]
            {
                ("X-Gitlab-Token", true, "The hook's secret token: GITLAB_WEBHOOK_SECRET (compared in constant time)", "<webhook secret>"),
                ("X-Gitlab-Event", true, "GitLab's event name; unknown names are accepted and routed nowhere", "Push Hook"),
                ("Idempotency-Key", false, "The same on every retry of a delivery: repeats answer 200 duplicate", "c1b3f0a4-..."),
                ("X-Gitlab-Event-UUID", false, "With X-Gitlab-Webhook-UUID, the delivery's identity when there is no Idempotency-Key", ""),
                ("X-Gitlab-Webhook-UUID", false, "The hook's id", ""),
                ("X-Gitlab-Instance", false, "The GitLab that sent it", "https://gitlab.example.com"),
            }
        )
        {
            operation.Parameters.Add(
                new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Header,
                    Required = required,
                    Description = description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    Example = example.Length == 0 ? null : JsonValue.Create(example),
                }
            );
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "GitLab's payload as it sends it: a JSON object, at most WEBHOOK_MAX_BYTES (25 MiB)",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } },
            },
        };
    }
}

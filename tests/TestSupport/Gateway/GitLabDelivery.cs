using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace GitLabBus.Tests.TestSupport.Gateway;

/// <summary>Builds webhook requests the way GitLab sends them.</summary>
public static class GitLabDelivery
{
    public static HttpRequestMessage Request(
        string body,
        string? eventName = "Push Hook",
        string? token = GatewayFactory.WebhookSecret,
        string? idempotencyKey = null
    )
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/gitlab")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (eventName is not null)
        {
            request.Headers.Add("X-Gitlab-Event", eventName);
        }

        if (token is not null)
        {
            request.Headers.Add("X-Gitlab-Token", token);
        }

        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-Gitlab-Instance", "https://gitlab.example.com");
        request.Headers.UserAgent.ParseAdd("GitLab/18.2.0");
        return request;
    }

    /// <summary>A hook of an organisation's own GitLab, sent to its endpoint with its secret.</summary>
    public static HttpRequestMessage ForOrganisation(string org, string body, string eventName, string secret)
    {
        var request = Request(body, eventName, secret);
        request.RequestUri = new Uri($"/api/orgs/{org}/integrations/gitlab/webhook", UriKind.Relative);
        return request;
    }

    public static HttpRequestMessage Fixture(string file, string eventName, string? idempotencyKey = null) =>
        Request(GitLabFixtures.Read(file), eventName, idempotencyKey: idempotencyKey);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<Guid> DeliveryIdAsync(this HttpResponseMessage response) =>
        (await response.JsonAsync()).GetProperty("delivery_id").GetGuid();

    public static async Task<string> ErrorCodeAsync(this HttpResponseMessage response) =>
        (await response.JsonAsync()).GetProperty("error").GetProperty("code").GetString()!;

    public static async Task<string> ErrorMessageAsync(this HttpResponseMessage response) =>
        (await response.JsonAsync()).GetProperty("error").GetProperty("message").GetString()!;

    /// <summary>An operation once it completed or failed, as <c>GET /operations/{id}</c> answers it (fails the test when it does not
    /// end within <paramref name="within"/>).</summary>
    public static async Task<JsonElement> OperationEndedAsync(this HttpClient client, string operationId, TimeSpan? within = null)
    {
        var operation = default(JsonElement);
        Assert.True(
            await EventuallyAsync(
                async () =>
                    (operation = await (await client.GetAsync($"/operations/{operationId}")).JsonAsync()).GetProperty("status").GetString()
                        is "completed"
                            or "failed",
                within
            ),
            $"operation {operationId} did not end: {operation}"
        );
        return operation;
    }

    /// <summary>A pipeline as <paramref name="pipelinePath"/> (a gateway's <c>…/pipelines/{id}</c>) answers it once its monitor
    /// is <c>Finished</c> (fails the test when it is not within <paramref name="within"/>).</summary>
    public static async Task<JsonElement> MonitorFinishedAsync(this HttpClient client, string pipelinePath, TimeSpan? within = null)
    {
        var pipeline = default(JsonElement);
        Assert.True(
            await EventuallyAsync(
                async () =>
                {
                    pipeline = await (await client.GetAsync(pipelinePath)).JsonAsync();
                    return pipeline.TryGetProperty("tracked_state", out var tracked)
                        && tracked.ValueKind == JsonValueKind.Object
                        && tracked.GetProperty("state").GetString() == "Finished";
                },
                within
            ),
            $"the monitor of {pipelinePath} never finished: {pipeline}"
        );
        return pipeline;
    }

    /// <summary>Polls until <paramref name="condition"/> holds or the deadline passes; the condition is the fact waited on.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(25);
        }

        return await condition();
    }
}

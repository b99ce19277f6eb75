using System.Text.Json;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Backlog;

public static class EmbeddingRuns
{
    /// <summary>Caches the project's title embeddings through the API and waits for the operation's end (asserted completed).</summary>
    /// <param name="under">Before <c>/gitlab/projects</c>: an organisation's path (<c>/api/orgs/acme</c>) for its project.</param>
    public static async Task CacheAsync(HttpClient owner, string projectId, string under = "")
    {
        using var accepted = await owner.PostAsync($"{under}/gitlab/projects/{projectId}/cache-embeddings", null);
        var operationId = (await accepted.JsonAsync()).GetProperty("operation_id").GetString();
        var status = "";
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (status = (await (await owner.GetAsync($"/operations/{operationId}")).JsonAsync()).GetProperty("status").GetString()!)
                    is "completed"
                        or "failed"
            )
        );
        Assert.Equal("completed", status);
    }

    public static IReadOnlyList<JsonElement> Items(this JsonElement answer) => [.. answer.GetProperty("items").EnumerateArray()];
}

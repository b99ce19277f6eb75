using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Backlog;

/// <summary>With <c>APPLY_SYNC_TIMEOUT_SECONDS=0</c> every apply answers 202 at once; the operation carries the response.</summary>
[Collection(GatewayCollection.Name)]
public sealed class When_an_apply_outlasts_the_wait : IAsyncLifetime
{
    private readonly GatewayFactory _gateway = new GatewayFactory().With("APPLY_SYNC_TIMEOUT_SECONDS", "0");
    private HttpClient _owner = null!;

    public Task InitializeAsync()
    {
        _owner = _gateway.ClientWithRoles(Roles.ProjectOwner);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Should_answer_202_with_the_operation_that_ends_with_the_seeds_response()
    {
        var body = new { prompt_id = $"prompt-{Guid.NewGuid():N}", issues = new[] { new { title = "Later" } } };

        using var accepted = await _owner.PostAsJsonAsync("/gitlab/projects/1/apply-backlog", body);
        var answer = await accepted.JsonAsync();
        var operationId = answer.GetProperty("operation_id").GetString();
        var operation = default(JsonElement);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (operation = await (await _owner.GetAsync($"/operations/{operationId}")).JsonAsync()).GetProperty("status").GetString()
                == "completed"
            )
        );
        using var repeated = await _owner.PostAsJsonAsync("/gitlab/projects/1/apply-backlog", body);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal($"/operations/{operationId}", answer.GetProperty("status_url").GetString());
        Assert.Equal($"/operations/{operationId}", accepted.Headers.Location!.OriginalString);
        Assert.Equal(OperationKinds.ApplyBacklog, operation.GetProperty("kind").GetString());
        Assert.Contains(operation.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "progress");
        Assert.Equal(
            "created",
            operation.GetProperty("result").GetProperty("results").GetProperty("issues")[0].GetProperty("action").GetString()
        );
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        var again = await repeated.JsonAsync();
        Assert.Equal(operationId, again.GetProperty("operation_id").GetString());
        Assert.Equal(operation.GetProperty("result").GetProperty("results").GetRawText(), again.GetProperty("results").GetRawText());
    }
}

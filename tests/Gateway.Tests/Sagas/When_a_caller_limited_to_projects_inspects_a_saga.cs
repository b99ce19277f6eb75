using System.Net;
using System.Net.Http.Json;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Sagas;

/// <summary>
/// A pipeline triggered on <c>demo/shop</c> (project 1) in embedded mode starts its pipeline-monitor saga; a caller whose token
/// is limited to some projects inspects it only when project 1 is one of them, as with operations and deliveries.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class When_a_caller_limited_to_projects_inspects_a_saga : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory _gateway;
    private readonly HttpClient _owner;

    public When_a_caller_limited_to_projects_inspects_a_saga(GatewayFactory gateway)
    {
        _gateway = gateway;
        _owner = gateway.ClientWithRoles(Roles.ProjectOwner);
    }

    [Fact]
    public async Task Should_show_a_saga_of_its_projects_and_answer_another_as_unknown()
    {
        var pipeline = await TriggerAsync();
        var path = $"/sagas/pipeline-monitor/{Uri.EscapeDataString($"project:1:pipeline:{pipeline}")}";
        // The journal has the instance's first entry once the state can be read: both are asked for below.
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (await _owner.GetAsync($"{path}/journal")) is { StatusCode: HttpStatusCode.OK } journal
                && (await journal.JsonAsync()).GetProperty("entries").GetArrayLength() > 0
            )
        );
        using var onProject1 = _gateway.ClientLimitedTo(1);
        using var onProject2 = _gateway.ClientLimitedTo(2);

        using var own = await onProject1.GetAsync(path);
        using var ownJournal = await onProject1.GetAsync($"{path}/journal");
        using var foreign = await onProject2.GetAsync(path);
        using var foreignJournal = await onProject2.GetAsync($"{path}/journal");
        using var foreignReplay = await onProject2.PostAsync($"{path}/replay", null);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (own.StatusCode, ownJournal.StatusCode));
        Assert.Equal(
            (HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound),
            (foreign.StatusCode, foreignJournal.StatusCode, foreignReplay.StatusCode)
        );
        Assert.Equal("not_found", await foreign.ErrorCodeAsync());
    }

    private async Task<long> TriggerAsync()
    {
        using var accepted = await _owner.PostAsJsonAsync("/gitlab/projects/1/pipelines", new { @ref = "main" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var operationId = (await accepted.JsonAsync()).GetProperty("operation_id").GetString();
        var operation = default(System.Text.Json.JsonElement);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(async () =>
                (operation = await (await _owner.GetAsync($"/operations/{operationId}")).JsonAsync()).GetProperty("status").GetString()
                    is "completed"
            )
        );
        return operation.GetProperty("result").GetProperty("pipeline_id").GetInt64();
    }
}

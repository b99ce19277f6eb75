using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Operations;
using GitLabBus.Tests.TestSupport;
using GitLabBus.Tests.TestSupport.Gateway;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Consumers.Pipelines;

/// <summary>The trigger consumer on the embedded bus against a GitLab simulator over HTTP.</summary>
public sealed class When_a_pipeline_trigger_is_consumed : IAsyncLifetime
{
    private readonly ForgetfulProgress _progress = new();
    private ConsumersAgainstSimulator _consumers = null!;

    private ITestHarness Harness => _consumers.Harness;

    private HttpClient GitLab => _consumers.GitLab;

    public async Task InitializeAsync() =>
        _consumers = await ConsumersAgainstSimulator.StartAsync(services => services.AddSingleton<IOperationProgress>(_progress));

    public async Task DisposeAsync() => await _consumers.DisposeAsync();

    [Fact]
    public async Task Should_create_the_pipeline_once_even_when_recording_it_failed_after_gitlab_created_it()
    {
        _progress.FailNextCompletion = true;
        var trigger = Trigger("op-crash-window", ("DEPLOY", "yes", "env_var"));

        await Harness.Bus.Publish(trigger);
        await Harness.PublishedAsync<PipelineCreated>(x => x.OperationId == trigger.OperationId);

        var ours = await PipelinesCarryingAsync(trigger.OperationId);
        var view = OperationView.From(trigger.OperationId, await _progress.ReadAsync(trigger.OperationId, CancellationToken.None));
        Assert.Single(ours);
        Assert.Equal("completed", view.Status);
        Assert.Equal(ours[0], view.Result!.Value.GetProperty("pipeline_id").GetInt64());
    }

    [Fact]
    public async Task Should_announce_a_completed_operation_again_without_creating_another_pipeline()
    {
        var trigger = Trigger("op-repeated");

        await Harness.Bus.Publish(trigger);
        await Harness.PublishedAsync<PipelineCreated>(x => x.OperationId == trigger.OperationId);
        await Harness.Bus.Publish(trigger);
        Assert.True(
            await GitLabDelivery.EventuallyAsync(() =>
                Task.FromResult(
                    Harness.PublishedSoFar<PipelineCreated>().Where(x => x.Context.Message.OperationId == trigger.OperationId).Count() == 2
                )
            )
        );

        Assert.Single(await PipelinesCarryingAsync(trigger.OperationId));
    }

    [Fact]
    public async Task Should_fail_the_operation_with_gitlabs_refusal()
    {
        var trigger = Trigger("op-unknown-ref") with { Ref = "no-such-branch" };

        await Harness.Bus.Publish(trigger);
        await Harness.ConsumedAsync<PipelineTriggered>(x => x.OperationId == trigger.OperationId);

        var events = await _progress.ReadAsync(trigger.OperationId, CancellationToken.None);
        var failure = events.Last();
        Assert.Equal(OperationEventTypes.Failed, failure.Type);
        Assert.Equal("invalid_request", failure.Data!.Value.GetProperty("code").GetString());
        Assert.Equal(400, failure.Data.Value.GetProperty("gitlab_status").GetInt32());
        Assert.False(await Harness.Published.Any<PipelineCreated>(x => x.Context.Message.OperationId == trigger.OperationId));
    }

    [Fact]
    public async Task Should_fail_the_operation_as_a_conflict_when_gitlab_answers_409_instead_of_retrying_it()
    {
        var trigger = Trigger("op-conflict");
        using var fault = await GitLab.PostAsJsonAsync(
            "/_sim/faults",
            new
            {
                status = 409,
                count = 1,
                path_prefix = "/api/v4/projects/1/pipeline",
            }
        );

        await Harness.Bus.Publish(trigger);
        await Harness.ConsumedAsync<PipelineTriggered>(x => x.OperationId == trigger.OperationId);

        var view = OperationView.From(trigger.OperationId, await _progress.ReadAsync(trigger.OperationId, CancellationToken.None));
        Assert.Equal("failed", view.Status);
        var failure = (await _progress.ReadAsync(trigger.OperationId, CancellationToken.None))[^1].Data!.Value;
        Assert.Equal(
            (ErrorCodes.Conflict, 409),
            (failure.GetProperty("code").GetString(), failure.GetProperty("gitlab_status").GetInt32())
        );
        Assert.False(
            await Harness.Published.Any<Fault<PipelineTriggered>>(x => x.Context.Message.Message.OperationId == trigger.OperationId)
        );
        Assert.Empty(await PipelinesCarryingAsync(trigger.OperationId));
    }

    [Fact]
    public async Task Should_send_a_message_breaking_the_rules_to_the_error_queue_with_the_reason()
    {
        var trigger = Trigger("op-invalid", ("BAD KEY", "1", "env_var"));

        await Harness.Bus.Publish(trigger);

        var fault = await Harness.Published.SelectAsync<Fault<PipelineTriggered>>().FirstOrDefault();
        Assert.NotNull(fault);
        Assert.Contains("variable key 'BAD KEY'", fault.Context.Message.Exceptions[0].Message, StringComparison.Ordinal);
        Assert.Empty(await PipelinesCarryingAsync(trigger.OperationId));
    }

    private static PipelineTriggered Trigger(string operationId, params (string Key, string Value, string Type)[] variables) =>
        new()
        {
            OperationId = $"{operationId}-{Guid.NewGuid():N}",
            ProjectId = 1,
            Ref = "main",
            Variables = [.. variables.Select(v => new PipelineVariable(v.Key, v.Value, v.Type))],
        };

    /// <summary>Pipelines in the simulator whose variables name this operation, as the consumer marks its own.</summary>
    private async Task<List<long>> PipelinesCarryingAsync(string operationId)
    {
        var ours = new List<long>();
        foreach (var pipeline in (await GitLab.GetFromJsonAsync<JsonElement>("/api/v4/projects/1/pipelines?per_page=100")).EnumerateArray())
        {
            var id = pipeline.GetProperty("id").GetInt64();
            var variables = await GitLab.GetFromJsonAsync<JsonElement>($"/api/v4/projects/1/pipelines/{id}/variables");
            if (
                variables
                    .EnumerateArray()
                    .Any(v =>
                        v.GetProperty("key").GetString() == "GITLABBUS_OPERATION_ID" && v.GetProperty("value").GetString() == operationId
                    )
            )
            {
                ours.Add(id);
            }
        }

        return ours;
    }

    /// <summary>Operation progress in memory that can lose its first <c>completed</c> write: a crash between GitLab's answer and our
    /// record.</summary>
    private sealed class ForgetfulProgress : IOperationProgress
    {
        private readonly InMemoryOperationProgress _inner = new(TimeProvider.System);

        public volatile bool FailNextCompletion;

        public Task<OperationEvent> AppendAsync(string operationId, string type, JsonElement? data, CancellationToken cancellationToken)
        {
            if (type == OperationEventTypes.Completed && FailNextCompletion)
            {
                FailNextCompletion = false;
                throw new InvalidOperationException("the state store went away before the pipeline was recorded");
            }

            return _inner.AppendAsync(operationId, type, data, cancellationToken);
        }

        public Task<IReadOnlyList<OperationEvent>> ReadAsync(string operationId, CancellationToken cancellationToken) =>
            _inner.ReadAsync(operationId, cancellationToken);

        public IAsyncEnumerable<OperationEvent> FollowAsync(string operationId, string? afterId, CancellationToken cancellationToken) =>
            _inner.FollowAsync(operationId, afterId, cancellationToken);
    }
}

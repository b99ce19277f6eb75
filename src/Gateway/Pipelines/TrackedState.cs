using System.Text.Json;
using GitLabBus.Runtime.Pipelines;
using GitLabBus.Sagas.Inspection;
using GitLabBus.Sagas.Pipelines;

namespace GitLabBus.Gateway.Pipelines;

/// <summary>
/// <c>tracked_state</c> on a pipeline: what its monitor saga knows, read through saga inspection (the instance as
/// stored, or its last journalled state once it is gone).
/// </summary>
public sealed record TrackedState(
    string Status,
    string State,
    Guid CorrelationId,
    IReadOnlyList<TrackedJobView> Jobs,
    IReadOnlyList<TrackedDownstreamView> Downstream,
    DateTimeOffset? FinishedAt,
    int WebhookUpdates,
    int Polls)
{
    private const string SagaName = PipelineMonitorStateMachine.SagaName;

    private static readonly JsonSerializerOptions InstanceJson = new(JsonSerializerDefaults.Web);

    public static async Task<TrackedState?> ReadAsync(SagaInspector inspector, long projectId, long pipelineId, CancellationToken cancellationToken)
    {
        var correlationId = PipelineCorrelation.For(projectId, pipelineId);
        if (!inspector.Knows(SagaName) || await inspector.GetStateAsync(SagaName, correlationId, cancellationToken) is not { } view)
        {
            return null;
        }

        var instance = view.Instance.Deserialize<MonitorInstance>(InstanceJson)!;
        return new TrackedState(
            instance.Outcome ?? instance.Status,
            view.State,
            correlationId,
            [.. instance.Jobs.OrderBy(job => job.Id)],
            instance.Downstream,
            instance.Outcome is null ? null : instance.FinishedAt,
            instance.WebhookUpdates,
            instance.Polls);
    }

    private sealed record MonitorInstance(
        string Status, string? Outcome, DateTimeOffset? FinishedAt, int WebhookUpdates, int Polls,
        List<TrackedJobView> Jobs, List<TrackedDownstreamView> Downstream);
}

public sealed record TrackedJobView(
    long Id, string Name, string Stage, string Status, bool AllowFailure, string? FailureReason,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, double? DurationSeconds);

public sealed record TrackedDownstreamView(long ProjectId, long PipelineId, string Status, string BridgeName);

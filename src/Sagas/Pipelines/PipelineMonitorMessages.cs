namespace GitLabBus.Sagas.Pipelines;

/// <summary>Scheduled by a monitor to itself: time to ask GitLab, because no news came.</summary>
public sealed record PipelinePollDue(Guid CorrelationId);

/// <summary>Scheduled at the start: the pipeline had <see cref="PipelineMonitorSettings.MaxWait"/> to become final.</summary>
public sealed record PipelineMaxWaitReached(Guid CorrelationId);

/// <summary>Scheduled at the end: the finished monitor has ignored late webhooks long enough and can go.</summary>
public sealed record PipelineMonitorExpired(Guid CorrelationId);

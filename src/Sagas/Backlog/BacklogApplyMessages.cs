namespace GitLabBus.Sagas.Backlog;

/// <summary>Scheduled at the end: the finished apply has answered repeated requests long enough and can go.</summary>
public sealed record BacklogApplyExpired(Guid CorrelationId);

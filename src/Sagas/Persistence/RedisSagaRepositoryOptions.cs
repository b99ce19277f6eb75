namespace GitLabBus.Sagas.Persistence;

/// <summary>How one saga type is kept in Redis.</summary>
/// <param name="SagaName">Kebab-case name used in keys and the saga endpoints, e.g. <c>backlog-apply</c>.</param>
/// <param name="FinishedRetention">How long a finished instance stays readable (under its own key) after it completed; zero deletes it at once.</param>
/// <param name="Pessimistic">Lock each instance for the whole consume instead of relying on the version check alone.</param>
/// <param name="LockTimeout">In pessimistic mode, how long a lock is held at most and how long to wait for one.</param>
public sealed record RedisSagaRepositoryOptions<TSaga>(
    string SagaName, TimeSpan FinishedRetention, bool Pessimistic = false, TimeSpan? LockTimeout = null)
{
    public TimeSpan EffectiveLockTimeout => LockTimeout ?? TimeSpan.FromSeconds(30);

    public string InstanceKey(Guid correlationId) => $"gitlabbus:saga:{SagaName}:{correlationId}";

    public string FinishedKey(Guid correlationId) => $"gitlabbus:saga:{SagaName}:finished:{correlationId}";

    public string LockKey(Guid correlationId) => $"gitlabbus:saga:{SagaName}:lock:{correlationId}";
}

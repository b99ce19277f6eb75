using GitLabBus.Sagas.Journal;

namespace GitLabBus.Sagas.Persistence;

/// <summary>How one saga type is kept in Redis.</summary>
/// <param name="SagaName">Kebab-case name used in keys and the saga endpoints, e.g. <c>backlog-apply</c>.</param>
/// <param name="Retention">How long finished instances and journals stay readable.</param>
/// <param name="Pessimistic">Lock each instance for the whole consume instead of relying on the version check alone.</param>
/// <param name="LockTimeout">In pessimistic mode, how long a lock is held at most and how long to wait for one.</param>
public sealed record RedisSagaRepositoryOptions<TSaga>(
    string SagaName,
    SagaRetentionSettings Retention,
    bool Pessimistic = false,
    TimeSpan? LockTimeout = null
)
{
    public TimeSpan EffectiveLockTimeout => LockTimeout ?? TimeSpan.FromSeconds(30);

    public string InstanceKey(Guid correlationId) => SagaKeys.Instance(SagaName, correlationId);

    public string FinishedKey(Guid correlationId) => SagaKeys.Finished(SagaName, correlationId);

    public string LockKey(Guid correlationId) => SagaKeys.Lock(SagaName, correlationId);

    public string JournalKey(Guid correlationId) => SagaKeys.Journal(SagaName, correlationId);
}

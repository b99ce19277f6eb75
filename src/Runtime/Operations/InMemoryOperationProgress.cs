using System.Runtime.CompilerServices;
using System.Text.Json;

namespace GitLabBus.Runtime.Operations;

/// <summary>Embedded mode: the same contract in process memory (events kept 24 h, like the Redis streams).</summary>
public sealed class InMemoryOperationProgress(TimeProvider clock) : IOperationProgress
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Operation> _operations = new(StringComparer.Ordinal);

    public Task<OperationEvent> AppendAsync(string operationId, string type, JsonElement? data, CancellationToken cancellationToken)
    {
        TaskCompletionSource changed;
        OperationEvent appended;
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            Forget(now);
            var operation = GetOrCreate(operationId, now);
            appended = new OperationEvent(
                $"{now.ToUnixTimeMilliseconds()}-{operation.Events.Count}",
                type,
                now,
                data?.Clone(),
                OperationEventTypes.IsFinal(type)
            );
            operation.Events.Add(appended);
            operation.LastWrite = now;
            changed = operation.Changed;
            operation.Changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return Task.FromResult(appended);
    }

    public Task<IReadOnlyList<OperationEvent>> ReadAsync(string operationId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<OperationEvent> events = _operations.TryGetValue(operationId, out var operation) ? [.. operation.Events] : [];
            return Task.FromResult(events);
        }
    }

    public async IAsyncEnumerable<OperationEvent> FollowAsync(
        string operationId,
        string? afterId,
        [EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        // Ids are "{milliseconds}-{index}": resume after the index the caller saw last.
        var seen = afterId is not null && int.TryParse(afterId.AsSpan(afterId.IndexOf('-') + 1), out var index) ? index + 1 : 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            List<OperationEvent> fresh;
            Task changed;
            lock (_gate)
            {
                var operation = GetOrCreate(operationId, clock.GetUtcNow());
                fresh = operation.Events.Skip(seen).ToList();
                seen = Math.Max(seen, operation.Events.Count);
                changed = operation.Changed.Task;
            }

            foreach (var next in fresh)
            {
                yield return next;
                if (next.Final)
                {
                    yield break;
                }
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    private Operation GetOrCreate(string operationId, DateTimeOffset now)
    {
        if (!_operations.TryGetValue(operationId, out var operation))
        {
            operation = _operations[operationId] = new Operation { LastWrite = now };
        }

        return operation;
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (
            var expired in _operations.Where(o => now - o.Value.LastWrite > RedisOperationProgress.Retention).Select(o => o.Key).ToList()
        )
        {
            _operations.Remove(expired);
        }
    }

    private sealed class Operation
    {
        public List<OperationEvent> Events { get; } = [];
        public DateTimeOffset LastWrite { get; set; }
        public TaskCompletionSource Changed { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

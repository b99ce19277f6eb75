namespace GitLabBus.Runtime.Jobs;

/// <summary>Embedded mode: one process, so the lease is a lock-guarded table with expiry times.</summary>
public sealed class InMemoryJobLease(TimeProvider time) : IJobLease
{
    private readonly Dictionary<string, (Guid Token, DateTimeOffset Until)> _leases = [];

    public Task<IHeldJobLease?> TryAcquireAsync(string job, TimeSpan duration, CancellationToken cancellationToken)
    {
        lock (_leases)
        {
            var now = time.GetUtcNow();
            if (_leases.TryGetValue(job, out var lease) && lease.Until > now)
            {
                return Task.FromResult<IHeldJobLease?>(null);
            }

            var token = Guid.NewGuid();
            _leases[job] = (token, now + duration);
            return Task.FromResult<IHeldJobLease?>(new Held(this, job, token));
        }
    }

    private bool Extend(string job, Guid token, TimeSpan duration)
    {
        lock (_leases)
        {
            if (!_leases.TryGetValue(job, out var lease) || lease.Token != token || lease.Until <= time.GetUtcNow())
            {
                return false;
            }

            _leases[job] = (token, time.GetUtcNow() + duration);
            return true;
        }
    }

    private sealed class Held(InMemoryJobLease owner, string job, Guid token) : IHeldJobLease
    {
        public Task<bool> RenewAsync(TimeSpan duration) => Task.FromResult(owner.Extend(job, token, duration));

        public Task ReleaseAsync(TimeSpan keepFor)
        {
            owner.Extend(job, token, keepFor > TimeSpan.Zero ? keepFor : TimeSpan.Zero);
            return Task.CompletedTask;
        }
    }
}

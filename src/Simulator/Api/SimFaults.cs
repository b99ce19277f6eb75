namespace GitLabBus.Simulator.Api;

/// <summary>One injected fault: the next <see cref="Remaining"/> matching requests (or all until <see cref="Until"/>) get it.</summary>
public sealed class SimFault
{
    public int? Status { get; init; }
    public int Remaining { get; set; }
    public DateTimeOffset? Until { get; init; }
    public string PathPrefix { get; init; } = "/api/v4";
    public int? RetryAfterSeconds { get; init; }
    public int LatencyMs { get; init; }
}

/// <summary>The faults <c>POST /_sim/faults</c> queued, consumed in order by matching requests.</summary>
public sealed class SimFaults(TimeProvider time)
{
    private readonly List<SimFault> _faults = [];

    public void Add(SimFault fault)
    {
        lock (_faults)
        {
            _faults.Add(fault);
        }
    }

    public void Clear()
    {
        lock (_faults)
        {
            _faults.Clear();
        }
    }

    /// <summary>Faults that will still answer a request: counted ones not used up, timed ones not over.</summary>
    public int Count
    {
        get
        {
            lock (_faults)
            {
                var now = time.GetUtcNow();
                return _faults.Count(fault => fault.Until is { } until ? until > now : fault.Remaining > 0);
            }
        }
    }

    /// <summary>Requests the counted faults will still answer.</summary>
    public int RemainingRequests
    {
        get
        {
            lock (_faults)
            {
                return _faults.Where(fault => fault.Until is null).Sum(fault => Math.Max(0, fault.Remaining));
            }
        }
    }

    /// <summary>Takes the first fault that applies to <paramref name="path"/>, if any.</summary>
    public SimFault? Take(string path)
    {
        lock (_faults)
        {
            var now = time.GetUtcNow();
            _faults.RemoveAll(fault => fault.Until is { } until ? until <= now : fault.Remaining <= 0);
            var fault = _faults.FirstOrDefault(candidate => path.StartsWith(candidate.PathPrefix, StringComparison.OrdinalIgnoreCase));
            if (fault is { Until: null })
            {
                fault.Remaining--;
            }

            return fault;
        }
    }
}

namespace GitLabBus.Simulator.State;

/// <summary>
/// The simulator's time: real time scaled by a speed factor (simulated seconds per real second), so pipelines that
/// take minutes in GitLab finish in moments under test. Changing the speed keeps the simulated "now" continuous.
/// </summary>
public sealed class SimClock(TimeProvider real)
{
    private readonly object _gate = new();
    private DateTimeOffset _anchorReal = real.GetUtcNow();
    private DateTimeOffset _anchorSim = real.GetUtcNow();
    private double _speed = 1;

    public double Speed
    {
        get
        {
            lock (_gate)
            {
                return _speed;
            }
        }
    }

    public DateTimeOffset Now
    {
        get
        {
            lock (_gate)
            {
                return _anchorSim + (real.GetUtcNow() - _anchorReal) * _speed;
            }
        }
    }

    public void SetSpeed(double speed)
    {
        lock (_gate)
        {
            var now = real.GetUtcNow();
            _anchorSim += (now - _anchorReal) * _speed;
            _anchorReal = now;
            _speed = speed;
        }
    }

    /// <summary>Jumps ahead: what expires in simulated time (OAuth tokens, codes) expires at once.</summary>
    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _anchorSim += by;
        }
    }

    /// <summary>How long in real time until <paramref name="simulated"/> is reached at the current speed.</summary>
    public TimeSpan RealDelayUntil(DateTimeOffset simulated)
    {
        var left = simulated - Now;
        return left <= TimeSpan.Zero ? TimeSpan.Zero : left / Speed;
    }
}

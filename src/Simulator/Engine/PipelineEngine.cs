using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Engine;

/// <summary>Ticks the simulated world: pipelines and jobs move, rebases finish, whenever the simulated clock says so.</summary>
public sealed class PipelineEngine(SimStore store, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(store.Options.TickInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                store.Write(s => s.Advance());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}

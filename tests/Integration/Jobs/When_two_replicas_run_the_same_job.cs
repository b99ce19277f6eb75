using GitLabBus.Consumers.Jobs;
using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.State;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GitLabBus.Tests.Integration.Jobs;

/// <summary>Two replicas, each with its own Quartz scheduler firing the same job, share one Redis lease.</summary>
public sealed class When_two_replicas_run_the_same_job : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly RealInfrastructure _infrastructure = new();
    private readonly JobRuns _runs = new();
    private readonly List<IHost> _replicas = [];

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        for (var i = 0; i < 2; i++)
        {
            var settings = RuntimeSettings.Read(
                new ConfigurationBuilder()
                    .AddInMemoryCollection(new Dictionary<string, string?> { ["REDIS_URL"] = _infrastructure.RedisUrl })
                    .Build()
            );
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddGitLabBusState(settings);
            builder.Services.AddSingleton(_runs);
            builder.Services.AddRecurringJob<SlowJob>(settings.Redis, "slow-poller", Interval);
            var replica = builder.Build();
            await replica.StartAsync();
            _replicas.Add(replica);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.StopAsync();
            replica.Dispose();
        }

        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task Should_never_run_it_twice_at_once_nor_more_than_once_per_interval()
    {
        var started = DateTime.UtcNow;

        Assert.True(await GitLabDelivery.EventuallyAsync(() => Task.FromResult(_runs.Count >= 8), TimeSpan.FromSeconds(30)));

        var elapsed = DateTime.UtcNow - started;
        Assert.Equal(1, _runs.MostAtOnce);
        Assert.InRange(_runs.Count, 8, (int)(elapsed / Interval) + 2);
    }

    public sealed class JobRuns
    {
        private int _running;
        private int _count;
        private int _mostAtOnce;

        public int Count => Volatile.Read(ref _count);

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public IDisposable Start()
        {
            var now = Interlocked.Increment(ref _running);
            int most;
            while (now > (most = Volatile.Read(ref _mostAtOnce)) && Interlocked.CompareExchange(ref _mostAtOnce, now, most) != most) { }

            Interlocked.Increment(ref _count);
            return new Finished(this);
        }

        private sealed class Finished(JobRuns runs) : IDisposable
        {
            public void Dispose() => Interlocked.Decrement(ref runs._running);
        }
    }

    /// <summary>Works for a while (the length of a GitLab call), so two replicas firing close together would overlap.</summary>
    public sealed class SlowJob(JobRuns runs) : IRecurringJob
    {
        public async Task RunAsync(CancellationToken cancellationToken)
        {
            using var _ = runs.Start();
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}

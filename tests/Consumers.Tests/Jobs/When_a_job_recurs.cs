using System.Collections.Concurrent;
using GitLabBus.Consumers.Jobs;
using GitLabBus.Runtime.Settings;
using GitLabBus.Tests.TestSupport.Gateway;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GitLabBus.Tests.Consumers.Jobs;

/// <summary>Embedded mode: Quartz fires the jobs, the in-memory lease guards them.</summary>
public sealed class When_a_job_recurs : IAsyncLifetime
{
    private readonly JobRuns _runs = new();
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        var redis = RuntimeSettings.Read(new ConfigurationBuilder().Build()).Redis;
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(_runs);
        builder.Services.AddRecurringJob<PollingJob>(redis, "polling", TimeSpan.FromMilliseconds(100));
        builder.Services.AddRecurringJob<RefreshingJob>(redis, "refreshing", TimeSpan.FromMilliseconds(100));
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public async Task Should_run_every_registered_job_again_and_again()
    {
        Assert.True(await _runs.ReachedAsync(nameof(PollingJob), 3));
        Assert.True(await _runs.ReachedAsync(nameof(RefreshingJob), 3));
    }

    [Fact]
    public async Task Should_run_the_next_turn_after_a_run_failed()
    {
        Assert.True(await _runs.ReachedAsync(nameof(RefreshingJob), 3));

        Assert.Contains(_runs.Failures(nameof(RefreshingJob)), failure => failure == 2);
    }

    public sealed class JobRuns
    {
        private readonly ConcurrentDictionary<string, int> _counts = new();
        private readonly ConcurrentDictionary<string, ConcurrentBag<int>> _failures = new();

        public int Record(string job) => _counts.AddOrUpdate(job, 1, (_, count) => count + 1);

        public void Failed(string job, int run) => _failures.GetOrAdd(job, _ => []).Add(run);

        public IEnumerable<int> Failures(string job) => _failures.GetOrAdd(job, _ => []);

        public Task<bool> ReachedAsync(string job, int runs) =>
            GitLabDelivery.EventuallyAsync(() => Task.FromResult(_counts.GetValueOrDefault(job) >= runs));
    }

    public sealed class PollingJob(JobRuns runs) : IRecurringJob
    {
        public Task RunAsync(CancellationToken cancellationToken)
        {
            runs.Record(nameof(PollingJob));
            return Task.CompletedTask;
        }
    }

    /// <summary>Fails on its second run: the failure is logged and the schedule goes on.</summary>
    public sealed class RefreshingJob(JobRuns runs) : IRecurringJob
    {
        public Task RunAsync(CancellationToken cancellationToken)
        {
            var run = runs.Record(nameof(RefreshingJob));
            if (run == 2)
            {
                runs.Failed(nameof(RefreshingJob), run);
                throw new InvalidOperationException("GitLab answered 502");
            }

            return Task.CompletedTask;
        }
    }
}

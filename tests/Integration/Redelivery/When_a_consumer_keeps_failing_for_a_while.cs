using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Integration.Redelivery;

public sealed record FlakyWork(Guid Id);

/// <summary>Fails its first five attempts: more than the immediate retries (four attempts) can absorb.</summary>
public sealed class FlakyConsumer(FlakyConsumer.Attempts attempts) : IConsumer<FlakyWork>
{
    public Task Consume(ConsumeContext<FlakyWork> context)
    {
        if (Interlocked.Increment(ref attempts.Count) <= 5)
        {
            throw new InvalidOperationException("GitLab is down (simulated)");
        }

        attempts.Succeeded.TrySetResult(context.GetRedeliveryCount());
        return Task.CompletedTask;
    }

    public sealed class Attempts
    {
        public int Count;

        public TaskCompletionSource<int> Succeeded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>After the immediate retries, a message comes back later through the durable scheduler instead of going to _error.</summary>
public sealed class When_a_consumer_keeps_failing_for_a_while : IAsyncLifetime
{
    private readonly RealInfrastructure _infrastructure = new();
    private readonly FlakyConsumer.Attempts _attempts = new();
    private WebApplication _sagasHost = null!;
    private ServiceProvider _bus = null!;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _sagasHost = await _infrastructure.StartSagasHostAsync();
        _bus = await _infrastructure.StartBusAsync(
            (bus, _) =>
            {
                bus.AddSingleton(_attempts);
                bus.AddConsumer<FlakyConsumer>();
            },
            ("REDELIVERY_INTERVALS_SECONDS", "1,1")
        );
    }

    public async Task DisposeAsync()
    {
        await _bus.GetRequiredService<IBusControl>().StopAsync();
        await _bus.DisposeAsync();
        await _sagasHost.StopAsync();
        await _sagasHost.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task Should_redeliver_it_through_the_scheduler_until_it_succeeds()
    {
        await _bus.GetRequiredService<IBus>().Publish(new FlakyWork(Guid.NewGuid()));

        var redeliveries = await _attempts.Succeeded.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, redeliveries);
        Assert.Equal(6, _attempts.Count);
    }
}

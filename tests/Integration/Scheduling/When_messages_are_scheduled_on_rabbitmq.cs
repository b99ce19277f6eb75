using GitLabBus.Sagas.Scheduling;
using GitLabBus.Tests.TestSupport.Gateway;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Tests.Integration.Scheduling;

/// <summary>The durable scheduler endpoint of the sagas host, on the real RabbitMQ (no delayed-exchange plugin) and Redis.</summary>
public sealed class When_messages_are_scheduled_on_rabbitmq : IAsyncLifetime
{
    private readonly RealInfrastructure _infrastructure = new();
    private readonly List<WebApplication> _sagaHosts = [];
    private SchedulingProbe _probe = null!;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _sagaHosts.Add(await _infrastructure.StartSagasHostAsync());
        _probe = await SchedulingProbe.StartAsync(_infrastructure.VirtualHost);
    }

    public async Task DisposeAsync()
    {
        await _probe.DisposeAsync();
        foreach (var host in _sagaHosts)
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }

        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task Should_send_it_at_its_time_with_its_token_and_headers()
    {
        var reminder = new Reminder(Guid.NewGuid());

        var scheduled = await _probe.ScheduleAsync(reminder, TimeSpan.FromSeconds(1), requestId: "sched-42");
        var arrival = await _probe.ArrivalOf(reminder.Id);

        Assert.Equal(scheduled.TokenId, Guid.Parse(arrival.Headers.Get<string>(MessageHeaders.SchedulingTokenId)!));
        Assert.Equal("sched-42", arrival.Headers.Get<string>("X-Request-ID"));
        Assert.True(
            _probe.Received.Single(r => r.Id == reminder.Id).At >= scheduled.ScheduledTime.AddMilliseconds(-50),
            "a scheduled message must not arrive before its time"
        );
    }

    [Fact]
    public async Task Should_never_send_a_cancelled_message()
    {
        var cancelled = new Reminder(Guid.NewGuid());
        var sentinel = new Reminder(Guid.NewGuid());

        var scheduled = await _probe.ScheduleAsync(cancelled, TimeSpan.FromSeconds(1));
        await _probe.Scheduler.CancelScheduledSend(_probe.Destination, scheduled.TokenId);
        await _probe.ScheduleAsync(sentinel, TimeSpan.FromSeconds(2));
        await _probe.ArrivalOf(sentinel.Id);

        Assert.False(_probe.HasReceived(cancelled.Id));
    }

    [Fact]
    public async Task Should_send_it_after_a_restart_of_the_sagas_host()
    {
        var reminder = new Reminder(Guid.NewGuid());
        var store = _sagaHosts[0].Services.GetRequiredService<IScheduledMessageStore>();

        await _probe.ScheduleAsync(reminder, TimeSpan.FromSeconds(3));
        Assert.True(await GitLabDelivery.EventuallyAsync(async () => await store.CountAsync(CancellationToken.None) == 1));
        await _sagaHosts[0].StopAsync();
        await _sagaHosts[0].DisposeAsync();
        _sagaHosts.Clear();
        _sagaHosts.Add(await _infrastructure.StartSagasHostAsync());

        await _probe.ArrivalOf(reminder.Id);
        Assert.Single(_probe.Received, r => r.Id == reminder.Id);
    }

    [Fact]
    public async Task Should_send_each_message_once_with_two_scheduler_replicas()
    {
        _sagaHosts.Add(await _infrastructure.StartSagasHostAsync());
        var reminders = Enumerable.Range(0, 100).Select(_ => new Reminder(Guid.NewGuid())).ToList();
        var sentinel = new Reminder(Guid.NewGuid());

        await Task.WhenAll(reminders.Select(r => _probe.ScheduleAsync(r, TimeSpan.FromSeconds(1))));
        await Task.WhenAll(reminders.Select(r => _probe.ArrivalOf(r.Id)));
        await _probe.ScheduleAsync(sentinel, TimeSpan.FromSeconds(1));
        await _probe.ArrivalOf(sentinel.Id);

        Assert.Equal(reminders.Count + 1, _probe.Received.Count);
        Assert.Equal(reminders.Count + 1, _probe.Received.Select(r => r.Id).Distinct().Count());
    }
}

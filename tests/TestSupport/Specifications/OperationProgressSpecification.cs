using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Operations;

namespace GitLabBus.Tests.TestSupport.Specifications;

/// <summary>What every <see cref="IOperationProgress"/> must do; in memory here, on a real Redis in the integration tests.</summary>
public abstract class OperationProgressSpecification
{
    protected abstract Task<IOperationProgress> CreateAsync();

    private static string NewOperation() => Guid.NewGuid().ToString("N");

    private static JsonElement Data(object value) => JsonSerializer.SerializeToElement(value);

    [Fact]
    public async Task Events_are_read_back_in_order_with_the_status_they_add_up_to()
    {
        var progress = await CreateAsync();
        var id = NewOperation();

        await progress.StartedAsync(id, OperationKinds.CacheEmbeddings, CancellationToken.None);
        await progress.AppendAsync(id, OperationEventTypes.Progress, Data(new { done = 1 }), CancellationToken.None);
        var running = OperationView.From(id, await progress.ReadAsync(id, CancellationToken.None));
        await progress.CompletedAsync(id, new { cached = 42 }, CancellationToken.None);
        var completed = OperationView.From(id, await progress.ReadAsync(id, CancellationToken.None));

        Assert.Equal((OperationKinds.CacheEmbeddings, "running"), (running.Kind, running.Status));
        Assert.Equal(["started", "progress", "completed"], completed.Events.Select(e => e.Type));
        Assert.Equal("completed", completed.Status);
        Assert.Equal(42, completed.Result!.Value.GetProperty("cached").GetInt32());
        Assert.Equal(completed.Events.Select(e => e.Id).Order(StringComparer.Ordinal), completed.Events.Select(e => e.Id));
    }

    [Fact]
    public async Task An_unknown_operation_has_no_events()
    {
        var progress = await CreateAsync();

        Assert.Empty(await progress.ReadAsync(NewOperation(), CancellationToken.None));
    }

    [Fact]
    public async Task A_late_follower_gets_the_history_then_live_events_and_stops_after_the_final_one()
    {
        var progress = await CreateAsync();
        var id = NewOperation();
        await progress.StartedAsync(id, "apply-backlog", CancellationToken.None);
        await progress.AppendAsync(id, OperationEventTypes.Progress, Data(new { step = 1 }), CancellationToken.None);

        var seen = new List<string>();
        var secondSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var following = Task.Run(async () =>
        {
            await foreach (var next in progress.FollowAsync(id, null, CancellationToken.None))
            {
                seen.Add(next.Type);
                if (seen.Count == 2)
                {
                    secondSeen.TrySetResult();
                }
            }
        });
        await secondSeen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await progress.AppendAsync(id, OperationEventTypes.Progress, Data(new { step = 2 }), CancellationToken.None);
        await progress.FailedAsync(id, "gitlab_unavailable", "GitLab answered 503", CancellationToken.None);
        await following.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["started", "progress", "progress", "failed"], seen);
    }

    [Fact]
    public async Task A_follower_resumes_after_the_last_event_it_saw()
    {
        var progress = await CreateAsync();
        var id = NewOperation();
        var first = await progress.StartedAsync(id, "x", CancellationToken.None);
        await progress.AppendAsync(id, OperationEventTypes.Progress, Data(new { step = 1 }), CancellationToken.None);
        await progress.CompletedAsync(id, new { }, CancellationToken.None);

        var resumed = new List<string>();
        await foreach (
            var next in progress
                .FollowAsync(id, first.Id, CancellationToken.None)
                .WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token)
        )
        {
            resumed.Add(next.Type);
        }

        Assert.Equal(["progress", "completed"], resumed);
    }

    [Fact]
    public async Task A_follower_of_an_operation_not_yet_started_waits_for_it()
    {
        var progress = await CreateAsync();
        var id = NewOperation();
        var seen = new List<string>();
        var following = Task.Run(async () =>
        {
            await foreach (var next in progress.FollowAsync(id, null, CancellationToken.None))
            {
                seen.Add(next.Type);
            }
        });

        await progress.StartedAsync(id, "x", CancellationToken.None);
        await progress.CompletedAsync(id, new { }, CancellationToken.None);
        await following.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["started", "completed"], seen);
    }
}

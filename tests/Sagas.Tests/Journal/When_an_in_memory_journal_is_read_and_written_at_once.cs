using System.Text.Json;
using GitLabBus.Sagas.Journal;
using Microsoft.Extensions.Time.Testing;

namespace GitLabBus.Tests.Sagas.Journal;

public sealed class When_an_in_memory_journal_is_read_and_written_at_once
{
    private readonly FakeTimeProvider _time = new(
        DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture)
    );

    [Fact]
    public async Task Should_keep_every_entry_appended_while_readers_sweep()
    {
        var journal = new InMemorySagaJournal(SagaRetentionSettings.Default, _time);
        var ids = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToList();
        using var stop = new CancellationTokenSource();
        var readers = Enumerable
            .Range(0, 2)
            .Select(_ =>
                Task.Run(async () =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        foreach (var id in ids)
                        {
                            await journal.ReadAsync("counter", id, CancellationToken.None);
                        }
                    }
                })
            )
            .ToList();

        await Parallel.ForEachAsync(
            ids,
            async (id, token) =>
            {
                // Each sweep happens at most once a minute: moving the clock makes readers and writers sweep constantly.
                _time.Advance(TimeSpan.FromMinutes(1));
                await journal.AppendAsync("counter", id, Entry(), token);
            }
        );
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        foreach (var id in ids)
        {
            Assert.Single(await journal.ReadAsync("counter", id, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Should_forget_a_journal_once_its_retention_has_passed_since_its_last_entry()
    {
        var journal = new InMemorySagaJournal(SagaRetentionSettings.Default with { JournalRetention = TimeSpan.FromHours(1) }, _time);
        var id = Guid.NewGuid();
        await journal.AppendAsync("counter", id, Entry(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(50));
        await journal.AppendAsync("counter", id, Entry(), CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(50));
        var kept = await journal.ReadAsync("counter", id, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(11));
        var forgotten = await journal.ReadAsync("counter", id, CancellationToken.None);

        Assert.Equal([1, 2], kept.Select(entry => entry.Sequence));
        Assert.Empty(forgotten);
    }

    private SagaJournalEntry Entry() =>
        new(
            _time.GetUtcNow(),
            "urn:message:Test:Counted",
            Guid.NewGuid(),
            "Initial",
            "Counting",
            false,
            null,
            JsonSerializer.SerializeToElement(new { count = 1 }),
            JsonSerializer.SerializeToElement(new { sequence = 1 }),
            new Dictionary<string, string>()
        );
}

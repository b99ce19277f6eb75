using GitLabBus.Sagas.Journal;
using GitLabBus.Sagas.Replay;

namespace GitLabBus.Sagas.Inspection;

/// <summary>What the gateway's <c>/sagas</c> endpoints and the replay command read: names, instances, journals, replays.</summary>
public sealed class SagaInspector(IEnumerable<SagaDescriptor> descriptors, ISagaJournal journal, IServiceProvider services)
{
    private readonly Dictionary<string, SagaDescriptor> _sagas = descriptors
        .DistinctBy(descriptor => descriptor.Name)
        .ToDictionary(descriptor => descriptor.Name, StringComparer.Ordinal);

    public IReadOnlyList<string> Names => [.. _sagas.Keys.Order(StringComparer.Ordinal)];

    public bool Knows(string saga) => _sagas.ContainsKey(saga);

    /// <summary>The instance as stored, or as its journal last recorded it once it is gone; null when neither exists.</summary>
    /// <summary>The stored instance alone, without reading its journal: for projections asked often of long-lived sagas.</summary>
    public async Task<System.Text.Json.JsonElement?> GetInstanceAsync(
        string saga,
        Guid correlationId,
        CancellationToken cancellationToken
    ) => (await Descriptor(saga).LoadAsync(services, correlationId, cancellationToken))?.Instance;

    public async Task<SagaStateView?> GetStateAsync(string saga, Guid correlationId, CancellationToken cancellationToken)
    {
        var descriptor = Descriptor(saga);
        var entries = await journal.ReadAsync(saga, correlationId, cancellationToken);
        if (await descriptor.LoadAsync(services, correlationId, cancellationToken) is { } stored)
        {
            return new SagaStateView(
                saga,
                correlationId,
                stored.State,
                stored.Finished,
                stored.Version,
                stored.Finished ? "finished" : "repository",
                stored.Instance,
                entries.Count
            );
        }

        return entries.Count == 0
            ? null
            : new SagaStateView(
                saga,
                correlationId,
                entries[^1].StateAfter,
                entries[^1].Finished,
                null,
                "journal",
                entries[^1].InstanceAfter,
                entries.Count
            );
    }

    public Task<IReadOnlyList<SagaJournalEntry>> GetJournalAsync(string saga, Guid correlationId, CancellationToken cancellationToken)
    {
        Descriptor(saga);
        return journal.ReadAsync(saga, correlationId, cancellationToken);
    }

    /// <summary>Re-runs the journal on a fresh instance; null when there is no journal to run.</summary>
    public async Task<SagaReplayResult?> ReplayAsync(string saga, Guid correlationId, CancellationToken cancellationToken)
    {
        var descriptor = Descriptor(saga);
        var entries = await journal.ReadAsync(saga, correlationId, cancellationToken);
        if (entries.Count == 0)
        {
            return null;
        }

        var stored = await descriptor.LoadAsync(services, correlationId, cancellationToken);
        return await descriptor.ReplayAsync(services, correlationId, entries, stored?.Instance, cancellationToken);
    }

    private SagaDescriptor Descriptor(string saga) =>
        _sagas.TryGetValue(saga, out var descriptor) ? descriptor : throw new ArgumentException($"no saga named '{saga}'", nameof(saga));
}

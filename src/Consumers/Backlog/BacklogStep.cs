using System.Globalization;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using GitLabBus.GitLab;
using GitLabBus.Runtime.Operations;

namespace GitLabBus.Consumers.Backlog;

/// <summary>
/// One step of an apply — the epics or the issues — item after item, in input order. An item with an id is updated
/// where it differs (<c>unchanged</c> when nothing does); one without is created, carrying <see cref="BacklogMarker"/>.
/// Outcomes are recorded by input index as GitLab answers, a batch at a time (the writes go out without waiting for
/// one another), and a recorded item is never applied again. When the step started before (a redelivery or a retry),
/// an item without a record may still have been created by that start: GitLab is searched for its mark first.
/// GitLab refusing an item (validation, permission, not found, state) is that item's error; the step goes on.
/// </summary>
internal sealed class BacklogStep(
    IBacklogSide side,
    IBacklogApplyLedger ledger,
    BacklogApplyKey key,
    string scope,
    bool dryRun,
    TimeProvider time,
    Func<int, Task> reportProgress
)
{
    public const string Pending = "(pending)";

    /// <summary>Outcomes go to the ledger this many at a time; the marks cover those a crash leaves unrecorded.</summary>
    private const int RecordBatch = 16;

    public async Task<IReadOnlyList<BacklogItemRecord>> RunAsync(
        IReadOnlyList<BacklogEpicInput> inputs,
        Func<int, (long? EpicId, string? Warning)> epicLink,
        IReadOnlyDictionary<int, string> duplicates,
        CancellationToken cancellationToken
    )
    {
        // GitLab's labels and our records are independent reads: one wait for both.
        var labelsRead = side.LabelsAsync(cancellationToken);
        var recordsRead = dryRun
            ? Task.FromResult<IReadOnlyDictionary<int, BacklogItemRecord>>(new Dictionary<int, BacklogItemRecord>())
            : ledger.ItemsAsync(key, scope, cancellationToken);
        var attempt = dryRun ? Task.FromResult(0L) : ledger.BeginStepAsync(key, scope, cancellationToken);
        await Task.WhenAll(labelsRead, recordsRead, attempt);
        var (labels, recorded, mayHaveWritten) = (await labelsRead, await recordsRead, await attempt > 1);
        var existing = await FindExistingAsync(inputs, recorded, cancellationToken);

        var records = new List<BacklogItemRecord>(inputs.Count);
        var unrecorded = new List<BacklogItemRecord>(RecordBatch);
        var recording = new List<Task>();
        var progress = new ProgressThrottle(time);
        try
        {
            for (var index = 0; index < inputs.Count; index++)
            {
                if (recorded.TryGetValue(index, out var earlier))
                {
                    records.Add(earlier);
                    continue;
                }

                var record = await ApplyAsync(
                    index,
                    inputs[index],
                    labels,
                    epicLink(index),
                    duplicates.GetValueOrDefault(index),
                    existing,
                    mayHaveWritten,
                    cancellationToken
                );
                records.Add(record);
                unrecorded.Add(record);
                if (unrecorded.Count == RecordBatch)
                {
                    Record(unrecorded, recording, cancellationToken);
                }

                if (progress.Due())
                {
                    await reportProgress(index + 1);
                }
            }
        }
        finally
        {
            Record(unrecorded, recording, cancellationToken);
            await Task.WhenAll(recording);
        }

        await reportProgress(inputs.Count);
        return records;
    }

    private async Task<BacklogItemRecord> ApplyAsync(
        int index,
        BacklogEpicInput input,
        IReadOnlyDictionary<string, string> labels,
        (long? EpicId, string? Warning) link,
        string? duplicate,
        IReadOnlyDictionary<long, GitLabItem> existing,
        bool mayHaveWritten,
        CancellationToken cancellationToken
    )
    {
        var warnings = new List<BacklogItemWarning>();
        var known = new List<string>();
        foreach (var label in (input.Labels ?? []).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (labels.TryGetValue(label, out var name))
            {
                known.Add(name);
            }
            else
            {
                warnings.Add(new BacklogItemWarning(scope, index, $"label '{label}' does not exist in GitLab and was ignored"));
            }
        }

        foreach (var warning in new[] { link.Warning, duplicate }.OfType<string>())
        {
            warnings.Add(new BacklogItemWarning(scope, index, warning));
        }

        var desired = new DesiredItem(input.Title.Trim(), input.Description ?? "", known, link.EpicId);
        try
        {
            if (input.Id is { } id)
            {
                if (!existing.TryGetValue(long.Parse(id, CultureInfo.InvariantCulture), out var current))
                {
                    return Refused(index, $"{scope} {id} was not found", 404, warnings);
                }

                var changes = ItemChanges.Between(current, desired);
                return changes.None ? Applied(index, "unchanged", current, warnings)
                    : dryRun ? Applied(index, "updated", current, warnings)
                    : Applied(index, "updated", await side.UpdateAsync(current, changes, cancellationToken), warnings);
            }

            if (dryRun)
            {
                return new BacklogItemRecord(index, new BacklogItemResult(index, "created", Pending, Pending), null, warnings);
            }

            var token = BacklogMarker.Token(key, scope, index);
            var created =
                (mayHaveWritten ? await side.FindMarkedAsync(token, cancellationToken) : null)
                ?? await side.CreateAsync(desired, token, cancellationToken);
            return Applied(index, "created", created, warnings);
        }
        catch (GitLabException refused) when (GitLabFailures.RefusesOnlyTheItem(refused))
        {
            return Refused(index, $"GitLab refused the {scope}: {refused.GitLabMessage}", (int?)refused.Status, warnings);
        }
    }

    /// <summary>The items the inputs name by id, read from GitLab's list until all of them were seen (GitLab has no lookup by global
    /// id).</summary>
    private async Task<IReadOnlyDictionary<long, GitLabItem>> FindExistingAsync(
        IReadOnlyList<BacklogEpicInput> inputs,
        IReadOnlyDictionary<int, BacklogItemRecord> recorded,
        CancellationToken cancellationToken
    )
    {
        var wanted = inputs
            .Select((input, index) => (input.Id, index))
            .Where(item => item.Id is not null && !recorded.ContainsKey(item.index))
            .Select(item => long.Parse(item.Id!, CultureInfo.InvariantCulture))
            .ToHashSet();
        var found = new Dictionary<long, GitLabItem>();
        if (wanted.Count == 0)
        {
            return found;
        }

        await foreach (var item in side.ListAllAsync(cancellationToken))
        {
            if (wanted.Contains(item.Id) && found.TryAdd(item.Id, item) && found.Count == wanted.Count)
            {
                break;
            }
        }

        return found;
    }

    /// <summary>Sends the outcomes not yet recorded, without waiting: the step goes on while Redis writes them.</summary>
    private void Record(List<BacklogItemRecord> unrecorded, List<Task> recording, CancellationToken cancellationToken)
    {
        if (!dryRun && unrecorded.Count > 0)
        {
            recording.Add(ledger.RecordAsync(key, scope, [.. unrecorded], cancellationToken));
        }

        unrecorded.Clear();
    }

    private static BacklogItemRecord Applied(int index, string action, GitLabItem item, List<BacklogItemWarning> warnings) =>
        new(index, new BacklogItemResult(index, action, item.Id.ToString(CultureInfo.InvariantCulture), item.WebUrl), null, warnings);

    private BacklogItemRecord Refused(int index, string message, int? gitLabStatus, List<BacklogItemWarning> warnings) =>
        new(index, null, new BacklogItemError(scope, index, message, gitLabStatus), warnings);
}

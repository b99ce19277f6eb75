using System.Collections.Concurrent;

namespace GitLabBus.Simulator.Api;

/// <summary>
/// How many <c>/api/v4</c> requests each user made since the last reset, read at <c>GET /_sim/requests</c>: how a
/// benchmark or a test counts the GitLab calls a piece of work costs.
/// </summary>
public sealed class SimRequestCounts
{
    private readonly ConcurrentDictionary<string, long> _byUser = new(StringComparer.Ordinal);

    public void Count(string username) => _byUser.AddOrUpdate(username, 1, (_, count) => count + 1);

    public IReadOnlyDictionary<string, long> ByUser => new SortedDictionary<string, long>(_byUser, StringComparer.Ordinal);

    public void Reset() => _byUser.Clear();
}

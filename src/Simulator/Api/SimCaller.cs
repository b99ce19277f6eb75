using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Api;

/// <summary>The user a request's token acts as (set by <see cref="SimGate"/>): the author of what it creates, and <c>/user</c>.</summary>
public static class SimCaller
{
    private const string Key = "gitlabbus.simulator.caller";

    public static void Set(HttpContext http, SimUser user) => http.Items[Key] = user.Id;

    /// <summary>The caller in this world; root for the trigger API, which authenticates by its trigger token instead.</summary>
    public static SimUser Of(HttpContext http, SimStore store) =>
        http.Items.TryGetValue(Key, out var id) && id is long userId ? store.UserById(userId) : store.Root;
}

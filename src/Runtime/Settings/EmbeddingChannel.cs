using GitLabBus.Contracts;

namespace GitLabBus.Runtime.Settings;

/// <summary>The Redis channel an embedding run reports on: <c>${EMBEDDINGS_PUBSUB_PREFIX}{project_id}</c> (prefix
/// <c>embeddings:projects:</c>).</summary>
public sealed record EmbeddingChannel(string Prefix)
{
    public static EmbeddingChannel Read(SettingsReader reader) =>
        new(reader.Optional("EMBEDDINGS_PUBSUB_PREFIX") ?? "embeddings:projects:");

    /// <param name="orgId">An organisation's runs report on <c>${EMBEDDINGS_PUBSUB_PREFIX}org:{org_id}:{project_id}</c>.</param>
    public string For(string projectId, string? orgId = null) => Prefix + OrgScope.Name(orgId, projectId);
}

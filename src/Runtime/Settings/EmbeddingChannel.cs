namespace GitLabBus.Runtime.Settings;

/// <summary>The Redis channel an embedding run reports on: <c>${EMBEDDINGS_PUBSUB_PREFIX}{project_id}</c> (prefix
/// <c>embeddings:projects:</c>).</summary>
public sealed record EmbeddingChannel(string Prefix)
{
    public static EmbeddingChannel Read(SettingsReader reader) =>
        new(reader.Optional("EMBEDDINGS_PUBSUB_PREFIX") ?? "embeddings:projects:");

    public string For(string projectId) => Prefix + projectId;
}

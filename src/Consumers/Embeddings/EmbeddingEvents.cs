using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Operations;
using GitLabBus.Runtime.Settings;
using StackExchange.Redis;

namespace GitLabBus.Consumers.Embeddings;

/// <summary>
/// The gitlab_client_service contract's progress events of an embedding run
/// (<c>{"event":"progress","project_id":"123","scanned":150,"total":320}</c>, ...): each goes to the operation's events
/// under its own name (<c>started</c>, <c>progress</c>, <c>embedded</c>, <c>cached</c>, and the final <c>completed</c> or
/// <c>error</c>, which carry the operation's result or failure), and, with Redis, to the channel
/// <c>${EMBEDDINGS_PUBSUB_PREFIX}{project_id}</c>.
/// </summary>
public sealed class EmbeddingEvents(IOperationProgress progress, EmbeddingChannel channel, IServiceProvider services)
{
    private readonly IConnectionMultiplexer? _redis = services.GetService(typeof(IConnectionMultiplexer)) as IConnectionMultiplexer;

    /// <summary>An event of <paramref name="run"/>'s, on the channel of the project as the request named it (the one its caller
    /// listens on).</summary>
    public async Task PublishAsync(CacheEmbeddingsRequested run, string name, object? fields, CancellationToken cancellationToken)
    {
        var payload = new Dictionary<string, object?> { ["event"] = name, ["project_id"] = run.ProjectId };
        foreach (var property in fields?.GetType().GetProperties() ?? [])
        {
            payload[property.Name] = property.GetValue(fields);
        }

        var json = JsonSerializer.SerializeToElement(payload);
        await progress.AppendAsync(run.OperationId, name, json, cancellationToken);
        if (_redis is not null)
        {
            await _redis.GetSubscriber().PublishAsync(RedisChannel.Literal(channel.For(run.ProjectId, run.OrgId)), json.GetRawText());
        }
    }
}

namespace GitLabBus.Consumers.Embeddings;

/// <summary>Turns texts into vectors, one per text, in order.</summary>
public interface IEmbeddingProvider
{
    /// <summary><c>local</c>, <c>openai</c> or <c>azure</c>.</summary>
    string Name { get; }

    /// <exception cref="EmbeddingUnavailableException">The provider refused or could not be reached.</exception>
    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}

/// <summary>The provider could not embed: the contract's <c>embedding_unavailable</c>. The message names the cause, never a key.</summary>
public sealed class EmbeddingUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

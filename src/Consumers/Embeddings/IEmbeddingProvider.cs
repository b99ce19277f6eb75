namespace GitLabBus.Consumers.Embeddings;

/// <summary>Turns texts into vectors, one per text, in order.</summary>
public interface IEmbeddingProvider
{
    /// <summary><c>minilm</c>, <c>local</c>, <c>openai</c> or <c>azure</c>.</summary>
    string Name { get; }

    /// <summary>
    /// The provider and its model, <c>minilm/all-MiniLM-L6-v2</c>: recorded with every cached vector, because vectors of two
    /// models (or two sizes of one) cannot be compared.
    /// </summary>
    string Model { get; }

    /// <exception cref="EmbeddingUnavailableException">The provider refused or could not be reached.</exception>
    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}

/// <summary>The provider could not embed: the contract's <c>embedding_unavailable</c>. The message names the cause, never a key.</summary>
public sealed class EmbeddingUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

using System.Numerics.Tensors;

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

public static class EmbeddingVectors
{
    /// <summary>
    /// The vectors scaled to length 1, in place, so that a dot product is their cosine similarity: the models used here already
    /// answer so, but an OpenAI-compatible server (Ollama, vLLM) may not. A zero vector stays as it is.
    /// </summary>
    public static float[][] Normalised(this float[][] vectors)
    {
        foreach (var vector in vectors)
        {
            var length = TensorPrimitives.Norm(vector);
            if (length > 0 && Math.Abs(length - 1) > 1e-6)
            {
                TensorPrimitives.Divide(vector, length, vector);
            }
        }

        return vectors;
    }
}

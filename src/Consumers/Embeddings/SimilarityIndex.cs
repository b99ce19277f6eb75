using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using GitLabBus.Consumers.GitLabAccess;

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
    /// <summary>Titles per block: vectors side by side in one array of this many rows (6 MB at 384 dimensions).</summary>
    private const int BlockRows = 4_096;

    private readonly Lock _gate = new();
    private readonly Dictionary<ScopedProject, Held> _held = [];
    private readonly ConcurrentDictionary<ScopedProject, SemaphoreSlim> _loading = new();
    private long _clock;

    /// <summary>For each query vector, the titles of <paramref name="run"/>'s model that score at least <paramref name="minScore"/>
    /// (cosine; the vectors have length 1), best first, at most <paramref name="limit"/>, among those <paramref name="include"/>
    /// accepts.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<SimilarTitle>>> SearchAsync(
        ScopedProject projectId,
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
                foreach (var block in Blocks(page))
                {
                    block.Offer(best);
                }
            }
        }
        else
        {
            Search(await BlocksAsync(projectId, run, cancellationToken), best);
        }

        return [.. best.Select(matches => matches.Best())];
    }

    /// <summary>
    /// The blocks are scanned on every core at once, each thread keeping its own best titles, merged at the end: a scan is bound
    /// by memory (every vector read once per search), and one core alone left half the bandwidth unused.
    /// </summary>
    private static void Search(IReadOnlyList<Block> blocks, List<TopMatches> best)
    {
        if (blocks.Count < 2)
        {
            foreach (var block in blocks)
            {
                block.Offer(best);
            }

            return;
        }

        Parallel.For(
            0,
            blocks.Count,
            () => best.Select(matches => matches.Empty()).ToList(),
            (index, _, local) =>
            {
                blocks[index].Offer(local);
                return local;
            },
            local =>
            {
                lock (best)
                {
                    for (var i = 0; i < best.Count; i++)
                    {
                        best[i].Take(local[i]);
                    }
                }
            }
        );
    }

    private async Task<IReadOnlyList<Block>> BlocksAsync(ScopedProject projectId, EmbeddingRun run, CancellationToken cancellationToken)
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

            var titles = new List<CachedTitle>(Math.Min(run.Count, BlockRows));
            var blocks = new List<Block>();
            await foreach (var page in cache.ReadAllAsync(projectId, run.Model, cancellationToken))
            {
                foreach (var title in page)
                {
                    titles.Add(title);
                    if (titles.Count == BlockRows)
                    {
                        blocks.AddRange(Blocks(titles));
                        titles.Clear();
                    }
                }
            }

            blocks.AddRange(Blocks(titles));
            Keep(projectId, run, blocks);
            return blocks;
        }
        finally
        {
            loading.Release();
        }
    }

    /// <summary>The titles as blocks of vectors side by side, one per dimension count (a model has one; a stray vector of
    /// another size is compared with nothing).</summary>
    private static IEnumerable<Block> Blocks(IReadOnlyList<CachedTitle> titles) =>
        titles
            .Where(title => title.Vector.Length > 0)
            .GroupBy(title => title.Vector.Length)
            .SelectMany(sized => sized.Chunk(BlockRows))
            .Select(Block.Of);

    private List<Block>? Current(ScopedProject projectId, EmbeddingRun run)
    {
        lock (_gate)
        {
            if (_held.TryGetValue(projectId, out var held) && held.Run == run)
            {
                held.LastUsed = ++_clock;
                return held.Blocks;
            }

            return null;
        }
    }

    private void Keep(ScopedProject projectId, EmbeddingRun run, List<Block> blocks)
    {
        var count = blocks.Sum(block => block.Titles.Length);
        lock (_gate)
        {
            _held.Remove(projectId);
            var total = _held.Values.Sum(held => held.Count);
            foreach (var (id, _) in _held.OrderBy(pair => pair.Value.LastUsed).ToList())
            {
                if (total + count <= settings.IndexMaxVectors)
                {
                    break;
                }

                total -= _held[id].Count;
                _held.Remove(id);
            }

            _held[projectId] = new Held(run, blocks, count) { LastUsed = ++_clock };
        }
    }

    private sealed record Held(EmbeddingRun Run, List<Block> Blocks, int Count)
    {
        public long LastUsed { get; set; }
    }

    /// <summary>Titles without their vectors, and the vectors in one array, row after row (read in order, as memory likes).</summary>
    private sealed record Block(CachedTitle[] Titles, float[] Vectors, int Dimensions)
    {
        public static Block Of(CachedTitle[] titles)
        {
            var dimensions = titles[0].Vector.Length;
            var vectors = new float[titles.Length * dimensions];
            for (var i = 0; i < titles.Length; i++)
            {
                titles[i].Vector.CopyTo(vectors, i * dimensions);
            }

            return new Block([.. titles.Select(title => title with { Vector = [] })], vectors, dimensions);
        }

        /// <remarks>Compiled optimised at once: the first searches after a start ran this loop unoptimised, the slowest by far.</remarks>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Offer(List<TopMatches> best)
        {
            for (var row = 0; row < Titles.Length; row++)
            {
                var vector = new ReadOnlySpan<float>(Vectors, row * Dimensions, Dimensions);
                foreach (var matches in best)
                {
                    matches.Offer(Titles[row], vector);
                }
            }
        }
    }

    /// <summary>The best <c>limit</c> titles offered so far for one query: a min-heap, so each offer costs one dot product.</summary>
    private sealed class TopMatches(float[] query, int limit, float minScore, Func<CachedTitle, bool>? include)
    {
        private readonly PriorityQueue<CachedTitle, float> _heap = new(limit + 1);

        public TopMatches Empty() => new(query, limit, minScore, include);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Offer(CachedTitle title, ReadOnlySpan<float> vector)
        {
            if (vector.Length == query.Length)
            {
                Offer(title, Dot(query, vector));
            }
        }

        /// <summary>
        /// The dot product, written here rather than taken from <c>TensorPrimitives.Dot</c>: that one is compiled unoptimised until
        /// tiered compilation gets to it, and the first ten searches of a process took 50 ms each instead of 8. This one is
        /// compiled optimised at once, with the same vector instructions.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static float Dot(ReadOnlySpan<float> left, ReadOnlySpan<float> right)
        {
            var sums = Vector<float>.Zero;
            var i = 0;
            for (; i <= left.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                sums += new Vector<float>(left[i..]) * new Vector<float>(right[i..]);
            }

            var sum = Vector.Sum(sums);
            for (; i < left.Length; i++)
            {
                sum += left[i] * right[i];
            }

            return sum;
        }

        /// <summary>Adds another scan's best (of other titles) to these.</summary>
        public void Take(TopMatches other)
        {
            foreach (var (title, score) in other._heap.UnorderedItems)
            {
                Offer(title, score);
            }
        }

        private void Offer(CachedTitle title, float score)
        {
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
                .. _heap
                    .UnorderedItems.Select(item => new SimilarTitle(item.Element, item.Priority))
                    .OrderByDescending(match => match.Score)
                    .ThenBy(match => match.Title.WorkItemId, StringComparer.Ordinal),
            ];
    }
}

/// <summary>A cached title (without its vector) and its cosine similarity to the text searched for.</summary>
public sealed record SimilarTitle(CachedTitle Title, float Score);

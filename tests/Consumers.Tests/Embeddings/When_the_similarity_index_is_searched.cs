using System.Runtime.CompilerServices;
using GitLabBus.Consumers.Embeddings;
using GitLabBus.Consumers.GitLabAccess;

namespace GitLabBus.Tests.Consumers.Embeddings;

public sealed class When_the_similarity_index_is_searched
{
    private const string Model = "minilm/all-MiniLM-L6-v2";
    private readonly CountingCache _cache = new(new InMemoryEmbeddingCache());

    private static CachedTitle Title(int id, string state, params float[] vector)
    {
        var length = MathF.Sqrt(vector.Sum(value => value * value));
        var unit = vector.Select(value => value / length).ToArray();
        return new("issue", $"{id}", $"{id}", $"Issue {id}", $"https://gitlab.example/demo/shop/-/issues/{id}", state, unit);
    }

    private async Task<EmbeddingRun> CacheAsync(long project, params CachedTitle[] titles)
    {
        await _cache.WriteAsync(project, Model, titles, CancellationToken.None);
        await _cache.CompleteRunAsync(project, Model, titles.Select(title => title.WorkItemId).ToHashSet(), CancellationToken.None);
        return (await _cache.LastRunAsync(project, CancellationToken.None))!;
    }

    private SimilarityIndex Index(int maxVectors = 250_000) =>
        new(_cache, When_similar_titles_are_scored.Settings() with { IndexMaxVectors = maxVectors });

    private static float[] Query(params float[] vector) => Title(0, "opened", vector).Vector;

    [Fact]
    public async Task Should_rank_the_best_first_within_the_limit_and_above_the_threshold()
    {
        var run = await CacheAsync(
            1,
            Title(1, "opened", 1, 0),
            Title(2, "opened", 1, 1),
            Title(3, "opened", 0, 1),
            Title(4, "opened", -1, 0)
        );

        var found = await Index().SearchAsync(1, run, [Query(1, 0.1f), Query(0, 1)], 2, 0.5f, null, CancellationToken.None);

        Assert.Equal(["1", "2"], found[0].Select(match => match.Title.Id));
        Assert.True(found[0][0].Score > found[0][1].Score);
        Assert.Equal(["3", "2"], found[1].Select(match => match.Title.Id));
        var strict = await Index().SearchAsync(1, run, [Query(1, 0)], 10, 0.99f, null, CancellationToken.None);
        Assert.Equal("1", Assert.Single(strict[0]).Title.Id);
    }

    [Fact]
    public async Task Should_leave_out_the_titles_the_filter_refuses()
    {
        var run = await CacheAsync(2, Title(1, "closed", 1, 0), Title(2, "opened", 1, 0.2f));

        var found = await Index().SearchAsync(2, run, [Query(1, 0)], 5, 0f, title => title.State == "opened", CancellationToken.None);

        Assert.Equal("2", Assert.Single(found[0]).Title.Id);
    }

    [Fact]
    public async Task Should_read_a_project_once_per_generation()
    {
        var index = Index();
        var first = await CacheAsync(3, Title(1, "opened", 1, 0));
        await index.SearchAsync(3, first, [Query(1, 0)], 5, 0f, null, CancellationToken.None);
        await index.SearchAsync(3, first, [Query(0, 1)], 5, 0f, null, CancellationToken.None);
        var readsOfTheFirst = _cache.Reads;

        var second = await CacheAsync(3, Title(2, "opened", 0, 1));
        var found = await index.SearchAsync(3, second, [Query(0, 1)], 5, 0.5f, null, CancellationToken.None);

        Assert.Equal(1, readsOfTheFirst);
        Assert.Equal(2, _cache.Reads);
        Assert.Equal("2", Assert.Single(found[0]).Title.Id);
    }

    [Fact]
    public async Task Should_let_the_least_recently_searched_project_go_when_the_bound_is_reached()
    {
        var index = Index(maxVectors: 3);
        var a = await CacheAsync(4, Title(1, "opened", 1, 0), Title(2, "opened", 0, 1));
        var b = await CacheAsync(5, Title(3, "opened", 1, 0));
        await index.SearchAsync(4, a, [Query(1, 0)], 1, 0f, null, CancellationToken.None);
        await index.SearchAsync(5, b, [Query(1, 0)], 1, 0f, null, CancellationToken.None);
        var c = await CacheAsync(6, Title(4, "opened", 1, 0), Title(5, "opened", 0, 1));

        await index.SearchAsync(6, c, [Query(1, 0)], 1, 0f, null, CancellationToken.None);
        var readsBefore = _cache.Reads;
        await index.SearchAsync(5, b, [Query(1, 0)], 1, 0f, null, CancellationToken.None);
        await index.SearchAsync(4, a, [Query(1, 0)], 1, 0f, null, CancellationToken.None);

        Assert.Equal(3, readsBefore);
        Assert.Equal(readsBefore + 1, _cache.Reads);
    }

    [Fact]
    public async Task Should_search_a_project_larger_than_the_bound_page_by_page_with_the_same_answer_as_a_held_one()
    {
        // Two blocks of 4,096 rows when held (scanned on every core at once), five pages of 1,000 when streamed.
        var titles = Enumerable.Range(1, 5_000).Select(id => Title(id, "opened", MathF.Cos(id / 400f), MathF.Sin(id / 400f))).ToArray();
        var run = await CacheAsync(7, titles);

        var kept = await Index().SearchAsync(7, run, [Query(1, 1)], 5, 0.9f, null, CancellationToken.None);
        var streamed = await Index(maxVectors: 1_000).SearchAsync(7, run, [Query(1, 1)], 5, 0.9f, null, CancellationToken.None);
        var streamedAgain = await Index(maxVectors: 1_000).SearchAsync(7, run, [Query(1, 1)], 5, 0.9f, null, CancellationToken.None);

        Assert.Equal(5, kept[0].Count);
        Assert.Equal(kept[0].Select(match => match.Title.Id), streamed[0].Select(match => match.Title.Id));
        Assert.Equal(streamed[0], streamedAgain[0]);
        Assert.Equal(3, _cache.Reads);
    }

    /// <summary>The cache, counting how often a project is read whole.</summary>
    private sealed class CountingCache(IEmbeddingCache inner) : IEmbeddingCache
    {
        private int _reads;

        public int Reads => _reads;

        public Task<IReadOnlyDictionary<string, float[]>> GetManyAsync(
            ScopedProject projectId,
            string model,
            IReadOnlyCollection<string> workItemIds,
            CancellationToken cancellationToken
        ) => inner.GetManyAsync(projectId, model, workItemIds, cancellationToken);

        public Task WriteAsync(ScopedProject projectId, string model, IReadOnlyCollection<CachedTitle> titles, CancellationToken token) =>
            inner.WriteAsync(projectId, model, titles, token);

        public Task CompleteRunAsync(
            ScopedProject projectId,
            string model,
            IReadOnlySet<string> keep,
            CancellationToken cancellationToken
        ) => inner.CompleteRunAsync(projectId, model, keep, cancellationToken);

        public Task<EmbeddingRun?> LastRunAsync(ScopedProject projectId, CancellationToken cancellationToken) =>
            inner.LastRunAsync(projectId, cancellationToken);

        public async IAsyncEnumerable<IReadOnlyList<CachedTitle>> ReadAllAsync(
            ScopedProject projectId,
            string model,
            [EnumeratorCancellation] CancellationToken cancellationToken
        )
        {
            Interlocked.Increment(ref _reads);
            await foreach (var page in inner.ReadAllAsync(projectId, model, cancellationToken))
            {
                yield return page;
            }
        }
    }
}

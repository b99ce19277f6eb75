using GitLabBus.Consumers.Embeddings;

namespace GitLabBus.Tests.TestSupport.Specifications;

/// <summary>What every <see cref="IEmbeddingCache"/> must do; in memory here, on a real Redis in the integration tests.</summary>
public abstract class EmbeddingCacheSpecification
{
    protected const string Model = "minilm/all-MiniLM-L6-v2";
    protected const string OtherModel = "local/hashed-words-256";

    protected abstract IEmbeddingCache Cache { get; }

    protected static long NewProject() => Random.Shared.NextInt64(1_000_000, long.MaxValue / 2);

    protected static CachedTitle Issue(int id, params float[] vector) =>
        new("issue", $"{id}", $"{id % 100}", $"Issue {id}", $"https://gitlab.example/demo/shop/-/issues/{id % 100}", "opened", vector);

    [Fact]
    public async Task Written_vectors_are_read_back_by_their_model_and_absent_ones_left_out()
    {
        var project = NewProject();
        var epic = new CachedTitle("epic", "1", "1", "Epic", "https://gitlab.example/groups/demo/-/epics/1", "opened", [1f, 0f]);

        await Cache.WriteAsync(project, Model, [Issue(1, 0.5f, -0.25f), epic], CancellationToken.None);
        var read = await Cache.GetManyAsync(project, Model, ["issue-1", "epic-1", "issue-2"], CancellationToken.None);
        var ofAnotherModel = await Cache.GetManyAsync(project, OtherModel, ["issue-1", "epic-1"], CancellationToken.None);

        Assert.Equal(["epic-1", "issue-1"], read.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([0.5f, -0.25f], read["issue-1"]);
        Assert.Empty(ofAnotherModel);
    }

    [Fact]
    public async Task A_title_written_by_another_model_is_that_models_only()
    {
        var project = NewProject();
        await Cache.WriteAsync(project, OtherModel, [Issue(1, 1f, 0f)], CancellationToken.None);

        await Cache.WriteAsync(project, Model, [Issue(1, 0f, 1f, 0f)], CancellationToken.None);

        Assert.Empty(await Cache.GetManyAsync(project, OtherModel, ["issue-1"], CancellationToken.None));
        var read = await Cache.GetManyAsync(project, Model, ["issue-1"], CancellationToken.None);
        Assert.Equal([0f, 1f, 0f], read["issue-1"]);
    }

    [Fact]
    public async Task A_completed_run_removes_what_it_did_not_write_in_that_project_only_and_records_a_new_generation()
    {
        var (project, other) = (NewProject(), NewProject());
        await Cache.WriteAsync(project, Model, [Issue(1, 1f), Issue(2, 2f)], CancellationToken.None);
        await Cache.WriteAsync(other, Model, [Issue(2, 9f)], CancellationToken.None);
        await Cache.CompleteRunAsync(project, Model, new HashSet<string> { "issue-1", "issue-2" }, CancellationToken.None);
        var first = await Cache.LastRunAsync(project, CancellationToken.None);

        await Cache.WriteAsync(project, Model, [Issue(1, 3f)], CancellationToken.None);
        await Cache.CompleteRunAsync(project, Model, new HashSet<string> { "issue-1" }, CancellationToken.None);

        var read = await Cache.GetManyAsync(project, Model, ["issue-1", "issue-2"], CancellationToken.None);
        Assert.Equal([3f], Assert.Single(read).Value);
        var untouched = await Cache.GetManyAsync(other, Model, ["issue-2"], CancellationToken.None);
        Assert.Equal([9f], untouched["issue-2"]);
        var second = await Cache.LastRunAsync(project, CancellationToken.None);
        Assert.Equal((Model, 2), (first!.Model, first.Count));
        Assert.Equal((Model, 1, first.Generation + 1), (second!.Model, second.Count, second.Generation));
        Assert.Null(await Cache.LastRunAsync(NewProject(), CancellationToken.None));
    }

    [Fact]
    public async Task Every_title_of_a_model_is_read_page_by_page_with_what_an_answer_names()
    {
        var project = NewProject();
        var titles = Enumerable.Range(1, 2_500).Select(id => Issue(id, id, -id)).ToList();
        foreach (var batch in titles.Chunk(500))
        {
            await Cache.WriteAsync(project, Model, batch, CancellationToken.None);
        }

        await Cache.WriteAsync(project, OtherModel, [Issue(9_999, 1f, 1f)], CancellationToken.None);

        var pages = new List<IReadOnlyList<CachedTitle>>();
        await foreach (var page in Cache.ReadAllAsync(project, Model, CancellationToken.None))
        {
            pages.Add(page);
        }

        Assert.All(pages, page => Assert.InRange(page.Count, 1, 1_000));
        var read = pages.SelectMany(page => page).OrderBy(title => int.Parse(title.Id)).ToList();
        Assert.Equal(titles.Count, read.Count);
        Assert.Equal(titles[41] with { Vector = [] }, read[41] with { Vector = [] });
        Assert.Equal(titles[41].Vector, read[41].Vector);
    }
}

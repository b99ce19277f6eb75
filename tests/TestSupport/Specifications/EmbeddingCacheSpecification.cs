using GitLabBus.Consumers.Embeddings;

namespace GitLabBus.Tests.TestSupport.Specifications;

/// <summary>What every <see cref="IEmbeddingCache"/> must do; in memory here, on a real Redis in the integration tests.</summary>
public abstract class EmbeddingCacheSpecification
{
    protected abstract IEmbeddingCache Cache { get; }

    private static long NewProject() => Random.Shared.NextInt64(1_000_000, long.MaxValue / 2);

    [Fact]
    public async Task Written_vectors_are_read_back_and_absent_ones_left_out()
    {
        var project = NewProject();

        await Cache.WriteAsync(
            project,
            [KeyValuePair.Create("issue-1", new[] { 0.5f, -0.25f }), KeyValuePair.Create("epic-1", new[] { 1f, 0f })],
            CancellationToken.None
        );
        var read = await Cache.GetManyAsync(project, ["issue-1", "epic-1", "issue-2"], CancellationToken.None);

        Assert.Equal(["epic-1", "issue-1"], read.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([0.5f, -0.25f], read["issue-1"]);
    }

    [Fact]
    public async Task A_replacement_overwrites_kept_vectors_and_removes_the_others_of_that_project_only()
    {
        var (project, other) = (NewProject(), NewProject());
        await Cache.WriteAsync(
            project,
            [KeyValuePair.Create("issue-1", new[] { 1f }), KeyValuePair.Create("issue-2", new[] { 2f })],
            CancellationToken.None
        );
        await Cache.WriteAsync(other, [KeyValuePair.Create("issue-2", new[] { 9f })], CancellationToken.None);

        await Cache.WriteAsync(project, [KeyValuePair.Create("issue-1", new[] { 3f })], CancellationToken.None);
        await Cache.RemoveAllExceptAsync(project, new HashSet<string> { "issue-1" }, CancellationToken.None);

        var read = await Cache.GetManyAsync(project, ["issue-1", "issue-2"], CancellationToken.None);
        Assert.Equal([3f], Assert.Single(read).Value);
        var untouched = await Cache.GetManyAsync(other, ["issue-2"], CancellationToken.None);
        Assert.Equal([9f], untouched["issue-2"]);
    }
}

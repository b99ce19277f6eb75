using GitLabBus.Consumers.MergeQueue;
using GitLabBus.Contracts;

namespace GitLabBus.Tests.TestSupport.Specifications;

/// <summary>What every <see cref="IMergeQueueConfigStore"/> must do: in memory in Consumers.Tests, on Redis in Integration.</summary>
public abstract class MergeQueueConfigStoreSpecification
{
    protected abstract IMergeQueueConfigStore Store { get; }

    private static long NewProject() => Random.Shared.NextInt64(1_000, long.MaxValue);

    [Fact]
    public async Task A_project_never_configured_has_the_defaults() =>
        Assert.Equal(MergeQueueConfig.Default, await Store.GetAsync(NewProject(), CancellationToken.None), ConfigComparer.Instance);

    [Fact]
    public async Task A_project_reads_back_what_was_put_and_only_it()
    {
        var (project, other) = (NewProject(), NewProject());
        var config = MergeQueueConfig.Default with
        {
            TargetBranches = ["main", "release/1.x"],
            BatchSize = 8,
            Paused = true,
            Labels = new MergeQueueLabels { Ready = "queue me" },
        };

        await Store.PutAsync(project, config, CancellationToken.None);
        await Store.PutAsync(project, config with { BatchSize = 9 }, CancellationToken.None);

        Assert.Equal(config with { BatchSize = 9 }, await Store.GetAsync(project, CancellationToken.None), ConfigComparer.Instance);
        Assert.Equal(MergeQueueConfig.Default, await Store.GetAsync(other, CancellationToken.None), ConfigComparer.Instance);
    }

    /// <summary>Records compare their lists by reference: this compares the settings by value.</summary>
    private sealed class ConfigComparer : IEqualityComparer<MergeQueueConfig>
    {
        public static readonly ConfigComparer Instance = new();

        public bool Equals(MergeQueueConfig? x, MergeQueueConfig? y) =>
            x is not null
            && y is not null
            && x.TargetBranches.SequenceEqual(y.TargetBranches)
            && x with { TargetBranches = [] } == y with { TargetBranches = [] };

        public int GetHashCode(MergeQueueConfig obj) => obj.BatchSize;
    }
}

using GitLabBus.Contracts;

namespace GitLabBus.Tests.Contracts;

/// <summary>The merge queue's input rules: what the gateway answers 400 to and what a raw message is sent to _error for.</summary>
public sealed class When_merge_queue_input_is_checked
{
    [Fact]
    public void Should_accept_the_default_config() => Assert.Empty(MergeQueueConfigRules.Problems(MergeQueueConfig.Default));

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public void Should_name_a_batch_size_out_of_range(int batchSize) =>
        Assert.Equal(
            ["batch_size"],
            MergeQueueConfigRules.Problems(MergeQueueConfig.Default with { BatchSize = batchSize }).Select(p => p.Field)
        );

    [Fact]
    public void Should_name_every_field_out_of_range_at_once()
    {
        var config = MergeQueueConfig.Default with
        {
            TargetBranches = [],
            MaxParallelBatches = 0,
            MaxStrikes = 11,
            PipelineTimeoutMinutes = 0,
            Labels = new MergeQueueLabels { Ready = "same", Recognised = "same" },
        };

        Assert.Equal(
            ["target_branches", "max_parallel_batches", "max_strikes", "pipeline_timeout_minutes", "labels"],
            MergeQueueConfigRules.Problems(config).Select(problem => problem.Field)
        );
    }

    [Fact]
    public void Should_refuse_a_target_branch_git_would_not_name() =>
        Assert.Contains(
            MergeQueueConfigRules.Problems(MergeQueueConfig.Default with { TargetBranches = ["main", "bad..name"] }),
            problem => problem.Field == "target_branches"
        );

    [Theory]
    [InlineData(0, 1, 0, "bus", "project_id")]
    [InlineData(1, 0, 0, "bus", "merge_request_iid")]
    [InlineData(1, 1, -1, "bus", "priority")]
    [InlineData(1, 1, 0, "carrier-pigeon", "source")]
    public void Should_name_what_is_wrong_with_a_ready_message(long project, long iid, int priority, string source, string named)
    {
        var message = new MrReadyForBatch
        {
            ProjectId = project,
            MergeRequestIid = iid,
            Priority = priority,
            Source = source,
        };

        Assert.StartsWith(named, MrReadyForBatchRules.Problem(message), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_accept_a_well_formed_ready_message() =>
        Assert.Null(
            MrReadyForBatchRules.Problem(
                new MrReadyForBatch
                {
                    ProjectId = 1,
                    MergeRequestIid = 2,
                    Priority = 10,
                }
            )
        );
}

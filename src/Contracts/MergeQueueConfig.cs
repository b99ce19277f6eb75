namespace GitLabBus.Contracts;

/// <summary>A project's merge queue settings (CONTRACT 7), kept in Redis and read by the queue from its next batch on.</summary>
public sealed record MergeQueueConfig
{
    public IReadOnlyList<string> TargetBranches { get; init; } = ["main"];
    public int BatchSize { get; init; } = 5;
    public int MaxParallelBatches { get; init; } = 2;
    public int MaxStrikes { get; init; } = 3;
    public int PipelineTimeoutMinutes { get; init; } = 60;
    public bool Paused { get; init; }
    public MergeQueueLabels Labels { get; init; } = new();

    public static MergeQueueConfig Default { get; } = new();
}

/// <summary>The five labels of the merge-assist plan; a project may rename them.</summary>
public sealed record MergeQueueLabels
{
    public string Ready { get; init; } = "Merge Assist: Ready to Merge";
    public string Recognised { get; init; } = "Merge Assist: Recognised for Merge";
    public string NotReady { get; init; } = "Merge Assist: Not Ready";
    public string Rejected { get; init; } = "Merge Assist: Rejected";
    public string Batch { get; init; } = "Merge Assist: Batch Merge Request";
}

/// <summary>The bounds of <see cref="MergeQueueConfig"/>: every problem, each naming its field, for a 400.</summary>
public static class MergeQueueConfigRules
{
    public const int MaxBatchSize = 50;
    public const int MaxParallel = 10;
    public const int MaxStrikesLimit = 10;
    public const int MaxTimeoutMinutes = 24 * 60;
    public const int MaxTargets = 20;

    public static IReadOnlyList<(string Field, string Problem)> Problems(MergeQueueConfig config)
    {
        var problems = new List<(string, string)>();
        void Check(bool broken, string field, string problem)
        {
            if (broken)
            {
                problems.Add((field, problem));
            }
        }

        Check(
            config.TargetBranches is null || config.TargetBranches.Count is 0 or > MaxTargets,
            "target_branches",
            $"1 to {MaxTargets} branch names"
        );
        Check(
            config.TargetBranches?.Any(branch => PipelineTriggerRules.RefProblem(branch) is not null) == true,
            "target_branches",
            "every entry must be a valid branch name"
        );
        Check(config.BatchSize is < 1 or > MaxBatchSize, "batch_size", $"1 to {MaxBatchSize}");
        Check(config.MaxParallelBatches is < 1 or > MaxParallel, "max_parallel_batches", $"1 to {MaxParallel}");
        Check(config.MaxStrikes is < 1 or > MaxStrikesLimit, "max_strikes", $"1 to {MaxStrikesLimit}");
        Check(config.PipelineTimeoutMinutes is < 1 or > MaxTimeoutMinutes, "pipeline_timeout_minutes", $"1 to {MaxTimeoutMinutes}");
        Check(
            LabelsOf(config.Labels).Any(label => string.IsNullOrWhiteSpace(label) || label.Length > 255),
            "labels",
            "1 to 255 characters each"
        );
        Check(LabelsOf(config.Labels).Distinct(StringComparer.Ordinal).Count() != 5, "labels", "five different labels");
        return problems;
    }

    /// <summary>The contract's 400 for settings out of bounds: every field named, in the message and in the details.</summary>
    public static RequestRefused Refusal(IReadOnlyList<(string Field, string Problem)> problems) =>
        new(
            ErrorCodes.InvalidRequest,
            string.Join("; ", problems.Select(problem => $"{problem.Field}: {problem.Problem}")),
            null,
            System.Text.Json.JsonSerializer.SerializeToElement(
                new { fields = problems.Select(problem => new { field = problem.Field, problem = problem.Problem }).ToArray() }
            )
        );

    private static IEnumerable<string> LabelsOf(MergeQueueLabels? labels) =>
        labels is null ? [""] : [labels.Ready, labels.Recognised, labels.NotReady, labels.Rejected, labels.Batch];
}

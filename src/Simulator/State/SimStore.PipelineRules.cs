using LibGit2Sharp;

namespace GitLabBus.Simulator.State;

/// <summary>
/// A pipeline outcome by content (<c>POST /_sim/pipelines/rules</c>): a pipeline whose tree has <see cref="FileContains"/>,
/// or whose commits' messages have <see cref="MessageContains"/>, fails in <see cref="Job"/>; with <see cref="Times"/> it
/// fails that many times and then passes (a flaky test).
/// </summary>
public sealed class SimPipelineRule
{
    public long Id { get; init; }
    public long ProjectId { get; init; }
    public (string Path, string Text)? FileContains { get; init; }
    public string? MessageContains { get; init; }

    /// <summary>The job that fails; null for the pipeline's last automatic job.</summary>
    public string? Job { get; init; }
    public int? Times { get; init; }
    public int Fired { get; set; }

    public bool Spent => Times is { } times && Fired >= times;
}

public sealed partial class SimStore
{
    public List<SimPipelineRule> PipelineRules { get; } = [];

    // The commits a pipeline brings: on the default branch its head commit, elsewhere what the default branch has not got.
    private IEnumerable<Commit> CommitsOf(SimProject project, SimPipeline pipeline, Commit head)
    {
        if (pipeline.Ref == project.DefaultBranch || !project.Branches.TryGetValue(project.DefaultBranch, out var main))
        {
            return [head];
        }

        return project.Repository.Log(head, HeadOf(project, main)).Take(1_000);
    }

    private void ApplyPipelineRules(SimProject project, SimPipeline pipeline)
    {
        var head = project.Repository.Find(pipeline.Sha)!;
        foreach (var rule in PipelineRules.Where(rule => rule.ProjectId == project.Id && !rule.Spent))
        {
            if (Cause(project, pipeline, head, rule) is not { } cause)
            {
                continue;
            }

            var job =
                pipeline.Jobs.FirstOrDefault(job => job.Name == rule.Job && !job.IsBridge)
                ?? pipeline.Jobs.LastOrDefault(job => job.When != "manual" && !job.IsBridge);
            if (job is null)
            {
                continue;
            }

            rule.Fired++;
            job.WillFail = true;
            job.FailureCause = $"{job.Name}: {cause} (simulator rule {rule.Id})";
            return;
        }
    }

    private string? Cause(SimProject project, SimPipeline pipeline, Commit head, SimPipelineRule rule)
    {
        if (rule.FileContains is var (path, text) && project.Repository.Contains(head, path, text))
        {
            return $"{path} contains \"{text}\"";
        }

        if (
            rule.MessageContains is { } words
            && CommitsOf(project, pipeline, head).FirstOrDefault(commit => commit.Message.Contains(words, StringComparison.Ordinal))
                is { } commit
        )
        {
            return $"commit {commit.Sha[..8]} says \"{words}\"";
        }

        return null;
    }
}

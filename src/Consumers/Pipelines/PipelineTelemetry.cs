using System.Diagnostics;
using System.Diagnostics.Metrics;
using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;

namespace GitLabBus.Consumers.Pipelines;

/// <summary>
/// The gitlab-pipelines contract's metrics (Prometheus adds <c>_total</c> to counters): <c>gitlab_pipelines_triggered_total</c>,
/// <c>gitlab_pipelines_completed_total</c> and <c>gitlab_jobs_total</c> by status, <c>gitlab_pipeline_duration_seconds</c>
/// and <c>gitlab_job_duration_seconds</c> histograms, <c>gitlab_artifacts_downloaded_bytes_total</c>; and the spans of
/// the pipeline work on activity source <see cref="Name"/>.
/// </summary>
public sealed class PipelineTelemetry
{
    public const string Name = "GitLabBus.Pipelines";

    public static readonly ActivitySource Activities = new(Name);

    private readonly Counter<long> _triggered;
    private readonly Counter<long> _completed;
    private readonly Histogram<double> _pipelineDuration;
    private readonly Counter<long> _jobs;
    private readonly Histogram<double> _jobDuration;
    private readonly Counter<long> _artifactBytes;

    public PipelineTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _triggered = meter.CreateCounter<long>("gitlab_pipelines_triggered", description: "Pipelines created in GitLab on request");
        _completed = meter.CreateCounter<long>("gitlab_pipelines_completed", description: "Monitored pipelines that ended, by status");
        _pipelineDuration = meter.CreateHistogram<double>(
            "gitlab_pipeline_duration_seconds",
            description: "Running time of monitored pipelines that ended"
        );
        _jobs = meter.CreateCounter<long>("gitlab_jobs", description: "Jobs of monitored pipelines that ended, by final status");
        _jobDuration = meter.CreateHistogram<double>(
            "gitlab_job_duration_seconds",
            description: "Running time of the jobs of monitored pipelines"
        );
        _artifactBytes = meter.CreateCounter<long>("gitlab_artifacts_downloaded_bytes", description: "Artifact bytes streamed from GitLab");
    }

    /// <summary>A span for one piece of pipeline work, e.g. <c>gitlab.pipeline.trigger</c>, with the project as a redacted tag.</summary>
    public static Activity? Start(string name, ScopedProject project)
    {
        var activity = Activities.StartActivity(name);
        activity?.SetTag("gitlab.project", ProjectRedaction.Redact(project));
        return activity;
    }

    public void Triggered(string gitRef) =>
        _triggered.Add(
            1,
            new KeyValuePair<string, object?>("ref_kind", gitRef.StartsWith("refs/tags/", StringComparison.Ordinal) ? "tag" : "branch")
        );

    public void ArtifactBytes(long bytes) => _artifactBytes.Add(bytes);

    public void Finished(PipelineFinished finished)
    {
        var status = new KeyValuePair<string, object?>("status", finished.Status);
        _completed.Add(1, status);
        if ((finished.DurationSeconds ?? finished.TotalSeconds) is var seconds and > 0)
        {
            _pipelineDuration.Record(seconds, status);
        }

        foreach (var job in finished.Jobs)
        {
            var jobStatus = new KeyValuePair<string, object?>("status", job.Status);
            _jobs.Add(1, jobStatus);
            if (job.DurationSeconds is { } duration)
            {
                _jobDuration.Record(duration, jobStatus);
            }
        }
    }
}

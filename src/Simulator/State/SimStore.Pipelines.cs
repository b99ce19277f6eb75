using System.IO.Compression;
using System.Text;

namespace GitLabBus.Simulator.State;

/// <summary>
/// Pipelines as GitLab runs them: one job per stage, stages in order, each job pending then running for the configured
/// simulated time; a failing job fails the pipeline and skips what follows; manual jobs wait to be played.
/// </summary>
public sealed partial class SimStore
{
    // GitLab serves artifact files as they were written: a text file carries no byte-order mark.
    private static readonly Encoding NoByteOrderMark = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private static readonly HashSet<string> FinalStatuses = ["success", "failed", "canceled", "skipped"];

    public static bool IsFinal(string status) => FinalStatuses.Contains(status);

    public SimPipeline CreatePipeline(
        SimProject project,
        string gitRef,
        string source,
        IReadOnlyList<(string Key, string Value, string Type)>? variables,
        long? mergeRequestIid,
        bool skipped = false
    ) => CreatePipeline(project, gitRef, source, variables, mergeRequestIid, upstream: null, skipped);

    private SimPipeline CreatePipeline(
        SimProject project,
        string gitRef,
        string source,
        IReadOnlyList<(string Key, string Value, string Type)>? variables,
        long? mergeRequestIid,
        (SimPipeline Pipeline, SimJob Bridge)? upstream,
        bool skipped = false
    )
    {
        var branch = project.Branches[gitRef];
        var forced = (string?)null;
        if (upstream is null)
        {
            NextOutcomes.Remove((project.Id, gitRef), out forced);
        }

        var pipeline = new SimPipeline
        {
            Id = NewId(),
            Iid = project.NextPipelineIid++,
            ProjectId = project.Id,
            Ref = gitRef,
            Sha = branch.Head,
            BeforeSha = HeadOf(project, branch).Parents.FirstOrDefault()?.Sha ?? NoCommit,
            Source = source,
            UserId = Root.Id,
            MergeRequestIid = mergeRequestIid,
            CreatedAt = Now,
            UpdatedAt = Now,
            Variables = [.. variables ?? []],
            UpstreamPipelineId = upstream?.Pipeline.Id,
            UpstreamJobId = upstream?.Bridge.Id,
        };
        if (skipped)
        {
            // GitLab keeps a skipped pipeline (no jobs) for a [skip ci] push: merge checks see it as skipped.
            pipeline.Status = "skipped";
            pipeline.FinishedAt = Now;
            Pipelines.Add(pipeline);
            Announce(project, pipeline);
            return pipeline;
        }

        var settings = PipelineSettings;
        var stages = upstream is null ? settings.Stages : settings.ChildStages ?? ["child"];
        for (var index = 0; index < stages.Count; index++)
        {
            var stage = stages[index];
            pipeline.Jobs.Add(NewJob(pipeline, stage, stage, index, settings));
            if (upstream is null && stage == settings.ChildStage)
            {
                pipeline.Jobs.Add(NewJob(pipeline, PipelineSettings.BridgeName, stage, index, settings, bridge: true));
            }
        }

        // The job that fails a forced failure: the last automatic one, so earlier stages pass as they would.
        if (forced == "failed" && pipeline.Jobs.LastOrDefault(job => job.When != "manual") is { } failing)
        {
            failing.WillFail = true;
        }
        else if (forced is null && upstream is null)
        {
            ApplyPipelineRules(project, pipeline);
        }

        Pipelines.Add(pipeline);
        Announce(project, pipeline);
        return pipeline;
    }

    private SimJob NewJob(
        SimPipeline pipeline,
        string name,
        string stage,
        int stageIndex,
        PipelineSettings settings,
        bool bridge = false
    ) =>
        new()
        {
            IsBridge = bridge,
            Id = NewId(),
            PipelineId = pipeline.Id,
            ProjectId = pipeline.ProjectId,
            Name = name,
            Stage = stage,
            StageIndex = stageIndex,
            When = settings.ManualJobs.Contains(name) ? "manual" : "on_success",
            Duration = settings.JobDuration,
            CreatedAt = Now,
            Environment = stage == "deploy" ? "production" : null,
        };

    /// <summary>Moves every unfinished pipeline as far as the simulated clock allows; called by the engine's ticks.</summary>
    public void Advance()
    {
        foreach (var mr in MergeRequests.Where(mr => mr.RebaseDoneAt is { } done && done <= Now).ToList())
        {
            FinishRebase(Projects.First(project => project.Id == mr.ProjectId), mr);
        }

        foreach (var pipeline in Pipelines.Where(pipeline => !IsFinal(pipeline.Status) && pipeline.Status != "manual").ToList())
        {
            Advance(Projects.First(project => project.Id == pipeline.ProjectId), pipeline);
        }
    }

    private void Advance(SimProject project, SimPipeline pipeline)
    {
        var moved = true;
        while (moved)
        {
            moved = false;
            foreach (var job in pipeline.CurrentJobs.ToList())
            {
                moved |= Step(project, pipeline, job);
            }

            moved |= Settle(project, pipeline);
        }
    }

    /// <summary>One transition of one job, if its time has come; true when something changed.</summary>
    private bool Step(SimProject project, SimPipeline pipeline, SimJob job)
    {
        var earlier = pipeline.CurrentJobs.Where(other => other.StageIndex < job.StageIndex).ToList();
        switch (job.Status)
        {
            case "created" when earlier.All(other => IsFinal(other.Status) || other.Status == "manual"):
                if (earlier.Any(other => other.Status is "failed" && !other.AllowFailure || other.Status is "canceled" or "skipped"))
                {
                    return Finish(project, pipeline, job, "skipped");
                }

                if (job.When == "manual")
                {
                    return Transition(project, pipeline, job, "manual");
                }

                if (job.IsBridge)
                {
                    job.StartedAt = Now;
                    pipeline.StartedAt ??= Now;
                    job.DownstreamPipelineId = CreatePipeline(
                        project,
                        pipeline.Ref,
                        "parent_pipeline",
                        pipeline.Variables,
                        null,
                        (pipeline, job)
                    ).Id;
                    return Transition(project, pipeline, job, "running");
                }

                job.QueuedAt = Now;
                return Transition(project, pipeline, job, "pending");
            case "pending":
                job.StartedAt = Now;
                job.Trace.Append(
                    "\u001b[0KRunning with gitlab-runner 17.0.0 (simulator)\n"
                        + $"\u001b[0K\u001b[36;1mExecuting \"step_script\" stage of the job script\u001b[0;m\n$ ./{job.Name}.sh\n"
                );
                pipeline.StartedAt ??= Now;
                return Transition(project, pipeline, job, "running");
            case "running" when job.IsBridge:
                // strategy: depend — the bridge ends as its child pipeline ends.
                var child = Pipelines.First(candidate => candidate.Id == job.DownstreamPipelineId);
                return IsFinal(child.Status) && Finish(project, pipeline, job, child.Status);
            case "running":
                var elapsed = (int)Math.Min((Now - job.StartedAt!.Value).TotalSeconds, job.Duration.TotalSeconds);
                for (; job.TraceSeconds < elapsed; job.TraceSeconds++)
                {
                    job.Trace.Append($"{job.Name}: step {job.TraceSeconds + 1} of {(int)job.Duration.TotalSeconds}\n");
                }

                if (Now - job.StartedAt.Value < job.Duration)
                {
                    return false;
                }

                if (job.WillFail)
                {
                    job.FailureReason = "script_failure";
                    if (job.FailureCause is { } cause)
                    {
                        job.Trace.Append(cause).Append('\n');
                    }

                    job.Trace.Append("\u001b[31;1mERROR: Job failed: exit code 1\u001b[0;m\n");
                    return Finish(project, pipeline, job, "failed");
                }

                job.Trace.Append("\u001b[32;1mJob succeeded\u001b[0;m\n");
                job.Artifacts = Archive(job);
                if (job.Environment is { } environment)
                {
                    Deploy(project, environment);
                }

                return Finish(project, pipeline, job, "success");
            default:
                return false;
        }
    }

    /// <summary>The pipeline's status from its jobs, as GitLab derives it.</summary>
    private bool Settle(SimProject project, SimPipeline pipeline)
    {
        var jobs = pipeline.CurrentJobs.ToList();
        var status =
            jobs.All(job => IsFinal(job.Status) || job.Status == "manual")
            && jobs.Any(job => job.Status == "manual")
            && !jobs.Any(job => job.Status == "failed" && !job.AllowFailure)
                ? "manual"
            : jobs.All(job => IsFinal(job.Status)) ? Outcome(jobs)
            : jobs.Any(job => job.Status == "running") || jobs.Any(job => IsFinal(job.Status)) ? "running"
            : jobs.Any(job => job.Status == "pending") ? "pending"
            : "created";
        if (status == pipeline.Status)
        {
            return false;
        }

        pipeline.Status = status;
        pipeline.UpdatedAt = Now;
        if (IsFinal(status))
        {
            pipeline.FinishedAt = Now;
        }

        Announce(project, pipeline);
        return true;
    }

    private static string Outcome(List<SimJob> jobs) =>
        jobs.Any(job => job.Status == "failed" && !job.AllowFailure) ? "failed"
        : jobs.Any(job => job.Status == "canceled") ? "canceled"
        : "success";

    private bool Transition(SimProject project, SimPipeline pipeline, SimJob job, string status)
    {
        job.Status = status;
        if (!job.IsBridge)
        {
            Emit(project.Id, "Job Hook", "build", SimPayloads.Job(this, project, pipeline, job));
        }

        return true;
    }

    private bool Finish(SimProject project, SimPipeline pipeline, SimJob job, string status)
    {
        job.FinishedAt = Now;
        return Transition(project, pipeline, job, status);
    }

    private void Announce(SimProject project, SimPipeline pipeline) =>
        Emit(project.Id, "Pipeline Hook", "pipeline", SimPayloads.Pipeline(this, project, pipeline));

    public void CancelPipeline(SimProject project, SimPipeline pipeline)
    {
        foreach (var job in pipeline.CurrentJobs.Where(job => !IsFinal(job.Status)))
        {
            if (
                job.DownstreamPipelineId is { } childId
                && Pipelines.First(candidate => candidate.Id == childId) is { } child
                && !IsFinal(child.Status)
            )
            {
                CancelPipeline(project, child);
            }

            Finish(project, pipeline, job, "canceled");
        }

        Settle(project, pipeline);
    }

    /// <summary>Failed and canceled jobs come back as new jobs (new ids), the old ones marked retried.</summary>
    public void RetryPipeline(SimProject project, SimPipeline pipeline)
    {
        foreach (var job in pipeline.CurrentJobs.Where(job => job.Status is "failed" or "canceled" or "skipped").ToList())
        {
            RetryJob(project, pipeline, job, announce: false);
        }

        pipeline.FinishedAt = null;
        Settle(project, pipeline);
    }

    public SimJob RetryJob(SimProject project, SimPipeline pipeline, SimJob job, bool announce = true)
    {
        job.Retried = true;
        var again = new SimJob
        {
            Id = NewId(),
            PipelineId = pipeline.Id,
            ProjectId = pipeline.ProjectId,
            Name = job.Name,
            Stage = job.Stage,
            StageIndex = job.StageIndex,
            When = "on_success",
            Duration = job.Duration,
            CreatedAt = Now,
            Environment = job.Environment,
        };
        pipeline.Jobs.Add(again);
        pipeline.FinishedAt = null;
        if (announce)
        {
            Transition(project, pipeline, again, "created");
            Settle(project, pipeline);
        }

        return again;
    }

    public void PlayJob(SimProject project, SimPipeline pipeline, SimJob job)
    {
        job.QueuedAt = Now;
        Transition(project, pipeline, job, "pending");
        pipeline.FinishedAt = null;
        Settle(project, pipeline);
    }

    public void CancelJob(SimProject project, SimPipeline pipeline, SimJob job)
    {
        Finish(project, pipeline, job, "canceled");
        Settle(project, pipeline);
    }

    private void Deploy(SimProject project, string name)
    {
        var environment = project.Environments.FirstOrDefault(existing => existing.Name == name);
        if (environment is null)
        {
            project.Environments.Add(
                new SimEnvironment
                {
                    Id = NewId(),
                    ProjectId = project.Id,
                    Name = name,
                    Slug = name,
                    ExternalUrl = $"https://{name}.{project.Path}.example.com",
                    CreatedAt = Now,
                    UpdatedAt = Now,
                }
            );
        }
        else
        {
            environment.State = "available";
            environment.UpdatedAt = Now;
        }
    }

    /// <summary>A real zip, like a runner uploads: the job's report and a build output file.</summary>
    private static byte[] Archive(SimJob job)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var writer = new StreamWriter(zip.CreateEntry($"{job.Stage}/output.txt").Open(), NoByteOrderMark))
            {
                writer.Write($"output of {job.Name} (job {job.Id})\n");
            }

            using (var report = new StreamWriter(zip.CreateEntry("report.json").Open(), NoByteOrderMark))
            {
                report.Write($"{{\"job\":{job.Id},\"name\":\"{job.Name}\",\"status\":\"success\"}}");
            }
        }

        return buffer.ToArray();
    }
}

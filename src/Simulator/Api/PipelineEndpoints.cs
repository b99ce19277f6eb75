using System.IO.Compression;
using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Api;

/// <summary>Pipelines, the trigger API, jobs (trace, retry, cancel, play, erase, artifacts) and environments.</summary>
public static class PipelineEndpoints
{
    private static readonly HashSet<string> VariableTypes = ["env_var", "file"];

    public static void MapPipelines(this RouteGroupBuilder api)
    {
        api.MapGet(
            "/projects/{id}/pipelines",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
            {
                var gitRef = parameters.String("ref");
                var status = parameters.String("status");
                return store.Read(s =>
                    s.FindProject(id) is { } project
                        ? SimResults.Page(
                            http,
                            parameters,
                            s.Pipelines.Where(p =>
                                    p.ProjectId == project.Id
                                    && (gitRef is null || p.Ref == gitRef)
                                    && (status is null || p.Status == status)
                                )
                                .OrderByDescending(p => p.Id)
                                .ToList(),
                            pipeline => SimJson.PipelineSummary(s, project, pipeline)
                        )
                        : SimResults.NotFound("Project")
                );
            }
        );

        api.MapGet(
            "/projects/{id}/pipelines/{pipelineId:long}",
            (SimStore store, string id, long pipelineId) =>
                store.Read(s => With(s, id, pipelineId, (project, pipeline) => SimResults.Ok(SimJson.Pipeline(s, project, pipeline))))
        );

        api.MapPost(
            "/projects/{id}/pipeline",
            (SimStore store, SimParams parameters, string id) =>
                store.Write(s => s.FindProject(id) is { } project ? Create(s, project, parameters, "api") : SimResults.NotFound("Project"))
        );

        api.MapPost(
            "/projects/{id}/trigger/pipeline",
            (SimStore store, SimParams parameters, string id) =>
                store.Write(s =>
                {
                    if (s.FindProject(id) is not { } project)
                    {
                        return SimResults.NotFound("Project");
                    }

                    var token = parameters.String("token");
                    if (token is null || !project.TriggerTokens.ContainsKey(token))
                    {
                        return SimResults.NotFound("");
                    }

                    return Create(s, project, parameters, "trigger");
                })
        );

        api.MapPost(
            "/projects/{id}/triggers",
            (SimStore store, SimParams parameters, string id) =>
                store.Write(s =>
                {
                    if (s.FindProject(id) is not { } project)
                    {
                        return SimResults.NotFound("Project");
                    }

                    var token = "glptt-" + s.NewSha()[..20];
                    project.TriggerTokens[token] = parameters.String("description") ?? "";
                    return SimResults.Created(
                        new
                        {
                            id = s.NewId(),
                            token,
                            description = project.TriggerTokens[token],
                            created_at = SimFormat.Api(s.Now),
                            owner = SimJson.User(s, s.Root),
                        }
                    );
                })
        );

        api.MapPost(
            "/projects/{id}/pipelines/{pipelineId:long}/cancel",
            (SimStore store, string id, long pipelineId) =>
                store.Write(s =>
                    With(
                        s,
                        id,
                        pipelineId,
                        (project, pipeline) =>
                        {
                            s.CancelPipeline(project, pipeline);
                            return SimResults.Created(SimJson.Pipeline(s, project, pipeline));
                        }
                    )
                )
        );

        api.MapPost(
            "/projects/{id}/pipelines/{pipelineId:long}/retry",
            (SimStore store, string id, long pipelineId) =>
                store.Write(s =>
                    With(
                        s,
                        id,
                        pipelineId,
                        (project, pipeline) =>
                        {
                            if (!pipeline.CurrentJobs.Any(job => job.Status is "failed" or "canceled" or "skipped"))
                            {
                                return SimResults.Forbidden("Pipeline is not retryable");
                            }

                            s.RetryPipeline(project, pipeline);
                            return SimResults.Created(SimJson.Pipeline(s, project, pipeline));
                        }
                    )
                )
        );

        api.MapDelete(
            "/projects/{id}/pipelines/{pipelineId:long}",
            (SimStore store, string id, long pipelineId) =>
                store.Write(s =>
                    With(
                        s,
                        id,
                        pipelineId,
                        (_, pipeline) =>
                        {
                            s.Pipelines.Remove(pipeline);
                            return SimResults.NoContent();
                        }
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/pipelines/{pipelineId:long}/variables",
            (SimStore store, string id, long pipelineId) =>
                store.Read(s =>
                    With(
                        s,
                        id,
                        pipelineId,
                        (_, pipeline) =>
                            SimResults.Ok(
                                pipeline
                                    .Variables.Select(variable => new
                                    {
                                        key = variable.Key,
                                        value = variable.Value,
                                        variable_type = variable.Type,
                                    })
                                    .ToArray()
                            )
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/pipelines/{pipelineId:long}/jobs",
            (HttpContext http, SimStore store, SimParams parameters, string id, long pipelineId) =>
            {
                var includeRetried = parameters.Bool("include_retried") == true;
                return store.Read(s =>
                    With(
                        s,
                        id,
                        pipelineId,
                        (project, pipeline) =>
                            SimResults.Page(
                                http,
                                parameters,
                                pipeline
                                    .Jobs.Where(job => !job.IsBridge && (includeRetried || !job.Retried))
                                    .OrderByDescending(job => job.Id)
                                    .ToList(),
                                job => SimJson.Job(s, project, pipeline, job)
                            )
                    )
                );
            }
        );

        api.MapGet(
            "/projects/{id}/pipelines/{pipelineId:long}/bridges",
            (HttpContext http, SimStore store, SimParams parameters, string id, long pipelineId) =>
                store.Read(s =>
                    With(
                        s,
                        id,
                        pipelineId,
                        (project, pipeline) =>
                            SimResults.Page(
                                http,
                                parameters,
                                pipeline.CurrentJobs.Where(job => job.IsBridge).OrderByDescending(job => job.Id).ToList(),
                                bridge => SimJson.Bridge(s, project, pipeline, bridge)
                            )
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/jobs/{jobId:long}",
            (SimStore store, string id, long jobId) =>
                store.Read(s => WithJob(s, id, jobId, (project, pipeline, job) => SimResults.Ok(SimJson.Job(s, project, pipeline, job))))
        );

        api.MapGet(
            "/projects/{id}/jobs/{jobId:long}/trace",
            (SimStore store, string id, long jobId) =>
                store.Read(s => WithJob(s, id, jobId, (_, _, job) => Results.Text(job.Trace.ToString(), "text/plain; charset=utf-8")))
        );

        api.MapPost(
            "/projects/{id}/jobs/{jobId:long}/retry",
            (SimStore store, string id, long jobId) =>
                store.Write(s =>
                    WithJob(
                        s,
                        id,
                        jobId,
                        (project, pipeline, job) =>
                            job.Retried || !SimStore.IsFinal(job.Status)
                                ? SimResults.Forbidden("Job is not retryable")
                                : SimResults.Created(SimJson.Job(s, project, pipeline, s.RetryJob(project, pipeline, job)))
                    )
                )
        );

        api.MapPost(
            "/projects/{id}/jobs/{jobId:long}/cancel",
            (SimStore store, string id, long jobId) =>
                store.Write(s =>
                    WithJob(
                        s,
                        id,
                        jobId,
                        (project, pipeline, job) =>
                        {
                            if (SimStore.IsFinal(job.Status))
                            {
                                return SimResults.Forbidden("Job is not cancelable");
                            }

                            s.CancelJob(project, pipeline, job);
                            return SimResults.Created(SimJson.Job(s, project, pipeline, job));
                        }
                    )
                )
        );

        api.MapPost(
            "/projects/{id}/jobs/{jobId:long}/play",
            (SimStore store, string id, long jobId) =>
                store.Write(s =>
                    WithJob(
                        s,
                        id,
                        jobId,
                        (project, pipeline, job) =>
                        {
                            if (job.Status != "manual")
                            {
                                return SimResults.Forbidden("Unplayable Job");
                            }

                            s.PlayJob(project, pipeline, job);
                            return SimResults.Ok(SimJson.Job(s, project, pipeline, job));
                        }
                    )
                )
        );

        api.MapPost(
            "/projects/{id}/jobs/{jobId:long}/erase",
            (SimStore store, string id, long jobId) =>
                store.Write(s =>
                    WithJob(
                        s,
                        id,
                        jobId,
                        (project, pipeline, job) =>
                        {
                            if (!SimStore.IsFinal(job.Status))
                            {
                                return SimResults.Forbidden("Job is not erasable");
                            }

                            job.Trace.Clear();
                            job.Artifacts = null;
                            return SimResults.Created(SimJson.Job(s, project, pipeline, job));
                        }
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/jobs/{jobId:long}/artifacts",
            (SimStore store, string id, long jobId) =>
                store.Read(s =>
                    WithJob(
                        s,
                        id,
                        jobId,
                        (_, _, job) =>
                            job.Artifacts is { } archive
                                ? Results.File(archive, "application/zip", "artifacts.zip", enableRangeProcessing: true)
                                : SimResults.NotFound("")
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/jobs/{jobId:long}/artifacts/{*path}",
            (SimStore store, string id, long jobId, string path) =>
                store.Read(s =>
                    WithJob(
                        s,
                        id,
                        jobId,
                        (_, _, job) =>
                        {
                            if (job.Artifacts is not { } archive)
                            {
                                return SimResults.NotFound("");
                            }

                            using var zip = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
                            if (zip.GetEntry(Uri.UnescapeDataString(path)) is not { } entry)
                            {
                                return SimResults.NotFound("");
                            }

                            using var content = new MemoryStream();
                            using (var stream = entry.Open())
                            {
                                stream.CopyTo(content);
                            }

                            return Results.File(content.ToArray(), "application/octet-stream", entry.Name, enableRangeProcessing: true);
                        }
                    )
                )
        );

        api.MapGet(
            "/projects/{id}/environments",
            (HttpContext http, SimStore store, SimParams parameters, string id) =>
                store.Read(s =>
                    s.FindProject(id) is { } project
                        ? SimResults.Page(
                            http,
                            parameters,
                            project.Environments,
                            environment => SimJson.Environment(s, project, environment)
                        )
                        : SimResults.NotFound("Project")
                )
        );

        api.MapGet(
            "/projects/{id}/environments/{environmentId:long}",
            (SimStore store, string id, long environmentId) =>
                store.Read(s =>
                    s.FindProject(id) is not { } project ? SimResults.NotFound("Project")
                    : project.Environments.FirstOrDefault(e => e.Id == environmentId) is { } environment
                        ? SimResults.Ok(SimJson.Environment(s, project, environment))
                    : SimResults.NotFound("Environment")
                )
        );

        api.MapPost(
            "/projects/{id}/environments/{environmentId:long}/stop",
            (SimStore store, string id, long environmentId) =>
                store.Write(s =>
                {
                    if (s.FindProject(id) is not { } project)
                    {
                        return SimResults.NotFound("Project");
                    }

                    if (project.Environments.FirstOrDefault(e => e.Id == environmentId) is not { } environment)
                    {
                        return SimResults.NotFound("Environment");
                    }

                    environment.State = "stopped";
                    environment.UpdatedAt = s.Now;
                    return SimResults.Ok(SimJson.Environment(s, project, environment));
                })
        );
    }

    /// <summary>Creates a pipeline from <c>ref</c> and <c>variables</c> (a list of key/value/variable_type, or the trigger API's
    /// <c>variables[KEY]</c>).</summary>
    private static IResult Create(SimStore store, SimProject project, SimParams parameters, string source)
    {
        if (parameters.String("ref") is not { Length: > 0 } gitRef)
        {
            return SimResults.Missing("ref");
        }

        if (!project.Branches.ContainsKey(gitRef))
        {
            return SimResults.Invalid(new { @base = new[] { "Reference not found" } });
        }

        var variables = new List<(string, string, string)>();
        if (parameters.Raw("variables") is { ValueKind: System.Text.Json.JsonValueKind.Array } list)
        {
            foreach (var variable in list.EnumerateArray())
            {
                var key = variable.TryGetProperty("key", out var k) ? k.GetString() : null;
                var type = variable.TryGetProperty("variable_type", out var t) ? t.GetString() ?? "env_var" : "env_var";
                if (string.IsNullOrEmpty(key) || !VariableTypes.Contains(type))
                {
                    return SimResults.BadRequest("variables is invalid");
                }

                variables.Add((key, variable.TryGetProperty("value", out var v) ? v.ToString() : "", type));
            }
        }

        foreach (var key in parameters.Keys.Where(key => key.StartsWith("variables[", StringComparison.Ordinal) && key.EndsWith(']')))
        {
            variables.Add((key["variables[".Length..^1], parameters.String(key) ?? "", "env_var"));
        }

        var pipeline = store.CreatePipeline(project, gitRef, source, variables, null);
        return SimResults.Created(SimJson.Pipeline(store, project, pipeline));
    }

    private static IResult With(SimStore store, string id, long pipelineId, Func<SimProject, SimPipeline, IResult> action) =>
        store.FindProject(id) is not { } project ? SimResults.NotFound("Project")
        : store.Pipelines.FirstOrDefault(p => p.ProjectId == project.Id && p.Id == pipelineId) is { } pipeline ? action(project, pipeline)
        : SimResults.NotFound("");

    private static IResult WithJob(SimStore store, string id, long jobId, Func<SimProject, SimPipeline, SimJob, IResult> action)
    {
        if (store.FindProject(id) is not { } project)
        {
            return SimResults.NotFound("Project");
        }

        foreach (var pipeline in store.Pipelines.Where(p => p.ProjectId == project.Id))
        {
            if (pipeline.Jobs.FirstOrDefault(job => job.Id == jobId) is { } job)
            {
                return action(project, pipeline, job);
            }
        }

        return SimResults.NotFound("");
    }
}

using GitLabBus.Simulator.Api;
using GitLabBus.Simulator.Engine;
using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Admin;

/// <summary>
/// The simulator's own controls under <c>/_sim</c> (never under <c>/api/v4</c>): reset, seed, state, faults, clock,
/// pipeline outcomes and settings, and the count of API requests per user.
/// </summary>
public static class SimAdminEndpoints
{
    public static void MapSimulatorAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/_sim");

        admin.MapGet(
            "/requests",
            (SimRequestCounts counts) => Results.Ok(new { by_user = counts.ByUser, total = counts.ByUser.Values.Sum() })
        );
        admin.MapDelete(
            "/requests",
            (SimRequestCounts counts) =>
            {
                counts.Reset();
                return Results.NoContent();
            }
        );

        admin.MapPost(
            "/reset",
            (SimStore store, SimFaults faults) =>
            {
                faults.Clear();
                store.Write(s => s.Reset());
                return Results.Ok(new { reset = true });
            }
        );

        admin.MapPost(
            "/seed",
            (SimStore store) =>
            {
                store.Write(s =>
                {
                    DemoSeed.Apply(s);
                    HookEndpoints.InstallDemoHook(s);
                });
                return Results.Ok(
                    new
                    {
                        seeded = "demo",
                        project_id = 1,
                        group_id = 1,
                    }
                );
            }
        );

        admin.MapGet(
            "/state",
            (SimStore store, SimFaults faults, WebhookDispatcher hooks) =>
                store.Read(s =>
                    Results.Ok(
                        new
                        {
                            now = SimFormat.Api(s.Now),
                            clock_speed = s.Clock.Speed,
                            groups = s.Groups.Count,
                            projects = s
                                .Projects.Select(p => new
                                {
                                    id = p.Id,
                                    path_with_namespace = p.FullPath,
                                    branches = p.Branches.Keys.Order(StringComparer.Ordinal).ToArray(),
                                    hooks = p.Hooks.Count,
                                })
                                .ToArray(),
                            epics = s.Epics.Count,
                            issues = s.Issues.Count,
                            merge_requests = s.MergeRequests.Count,
                            pipelines = s.Pipelines.GroupBy(p => p.Status).ToDictionary(g => g.Key, g => g.Count()),
                            faults_pending = faults.Count,
                            webhooks_delivered = hooks.Delivered,
                            webhooks_failed = hooks.Failed,
                        }
                    )
                )
        );

        admin.MapPost(
            "/faults",
            (SimFaults faults, TimeProvider time, SimParams parameters) =>
            {
                var count = parameters.Int("count");
                var seconds = parameters.Int("duration_seconds");
                if (parameters.Malformed || count is <= 0 || seconds is <= 0 || parameters.Int("status") is < 100 or > 599)
                {
                    return Results.BadRequest(
                        new { message = "faults: status 100-599, count > 0 or duration_seconds > 0, path_prefix, retry_after, latency_ms" }
                    );
                }

                faults.Add(
                    new SimFault
                    {
                        Status = parameters.Int("status"),
                        Remaining = count ?? 1,
                        Until = seconds is { } duration ? time.GetUtcNow().AddSeconds(duration) : null,
                        PathPrefix = parameters.String("path_prefix") ?? "/api/v4",
                        RetryAfterSeconds = parameters.Int("retry_after"),
                        LatencyMs = parameters.Int("latency_ms") ?? 0,
                    }
                );
                return Results.Ok(new { pending = faults.Count });
            }
        );

        admin.MapGet(
            "/faults",
            (SimFaults faults) => Results.Ok(new { pending = faults.Count, remaining_requests = faults.RemainingRequests })
        );

        admin.MapDelete(
            "/faults",
            (SimFaults faults) =>
            {
                faults.Clear();
                return Results.Ok(new { pending = 0 });
            }
        );

        admin.MapPost(
            "/clock",
            (SimStore store, SimParams parameters) =>
            {
                var advance = parameters.Int("advance_seconds");
                var speedGiven = parameters.String("speed") is not null;
                var speed = store.Clock.Speed;
                if (
                    parameters.Malformed
                    || (!speedGiven && advance is null)
                    || advance is < 0 or > 366 * 86_400
                    || (
                        speedGiven
                        && (
                            !double.TryParse(parameters.String("speed"), System.Globalization.CultureInfo.InvariantCulture, out speed)
                            || speed <= 0
                            || speed > 10_000
                        )
                    )
                )
                {
                    return Results.BadRequest(
                        new { message = "speed must be a number above 0 and at most 10000; advance_seconds 0 to a year" }
                    );
                }

                store.Clock.SetSpeed(speed);
                store.Clock.Advance(TimeSpan.FromSeconds(advance ?? 0));
                return Results.Ok(new { speed, now = SimFormat.Api(store.Clock.Now) });
            }
        );

        admin.MapPost(
            "/pipelines/outcome",
            (SimStore store, SimParams parameters) =>
            {
                var status = parameters.String("status");
                if (
                    parameters.Long("project_id") is not { } projectId
                    || parameters.String("ref") is not { Length: > 0 } gitRef
                    || status is not ("success" or "failed")
                )
                {
                    return Results.BadRequest(new { message = "project_id, ref and status (success or failed) are required" });
                }

                return store.Write(s =>
                {
                    s.NextOutcomes[(projectId, gitRef)] = status;
                    return Results.Ok(
                        new
                        {
                            project_id = projectId,
                            @ref = gitRef,
                            status,
                        }
                    );
                });
            }
        );

        admin.MapPipelineRules();

        admin.MapPost(
            "/pipelines/settings",
            (SimStore store, SimParams parameters) =>
            {
                var seconds = parameters.String("job_duration_seconds");
                var stages = parameters.Labels("stages");
                var manual = parameters.Labels("manual_jobs");
                var childStage = parameters.String("child_stage");
                var childStages = parameters.Labels("child_stages");
                if (
                    seconds is not null
                        && (!double.TryParse(seconds, System.Globalization.CultureInfo.InvariantCulture, out var value) || value <= 0)
                    || stages is { Count: 0 }
                    || childStages is { Count: 0 }
                )
                {
                    return Results.BadRequest(
                        new
                        {
                            message = "job_duration_seconds above 0; stages and child_stages non-empty lists; "
                                + "manual_jobs a list of stage names; child_stage a stage name or \"\" for none",
                        }
                    );
                }

                return store.Write(s =>
                {
                    var current = s.PipelineSettings;
                    s.PipelineSettings = new PipelineSettings(
                        stages ?? current.Stages,
                        seconds is null
                            ? current.JobDuration
                            : TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)),
                        manual?.ToHashSet() ?? current.ManualJobs,
                        childStage is null ? current.ChildStage
                            : childStage.Length == 0 ? null
                            : childStage,
                        childStages ?? current.ChildStages
                    );
                    var settings = s.PipelineSettings;
                    return Results.Ok(
                        new
                        {
                            stages = settings.Stages,
                            job_duration_seconds = settings.JobDuration.TotalSeconds,
                            manual_jobs = settings.ManualJobs,
                            child_stage = settings.ChildStage,
                            child_stages = settings.ChildStages ?? ["child"],
                        }
                    );
                });
            }
        );
    }
}

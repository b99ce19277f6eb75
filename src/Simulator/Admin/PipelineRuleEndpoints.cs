using System.Text.Json;
using GitLabBus.Simulator.Api;
using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Admin;

/// <summary>
/// Pipeline outcomes by content (CONTRACT 10): <c>POST /_sim/pipelines/rules</c> makes every later pipeline whose tree has a
/// text in a file, or whose commits' messages have a text, fail in a job; <c>times</c> makes it flaky.
/// </summary>
public static class PipelineRuleEndpoints
{
    private const string Usage =
        "project_id of a project; one of when_file_contains {\"path\",\"text\"} or when_commit_message_contains (non-empty text); "
        + "status \"failed\" (the default); job a job name (default: the last automatic job); times a whole number from 1";

    public static void MapPipelineRules(this RouteGroupBuilder admin)
    {
        admin.MapPost("/pipelines/rules", (SimStore store, SimParams parameters) => store.Write(s => Add(s, parameters)));

        admin.MapGet("/pipelines/rules", (SimStore store) => store.Read(s => Results.Ok(new { rules = s.PipelineRules.Select(Json) })));

        admin.MapDelete(
            "/pipelines/rules",
            (SimStore store, SimParams parameters) =>
                store.Write(s =>
                {
                    var removed = parameters.Long("id") is { } id
                        ? s.PipelineRules.RemoveAll(rule => rule.Id == id)
                        : s.PipelineRules.RemoveAll(_ => true);
                    return Results.Ok(new { removed, rules = s.PipelineRules.Select(Json) });
                })
        );
    }

    private static IResult Add(SimStore store, SimParams parameters)
    {
        var file = parameters.Raw("when_file_contains") is { ValueKind: JsonValueKind.Object } given ? FileCondition(given) : null;
        var message = parameters.String("when_commit_message_contains");
        var times = parameters.Raw("times") is null ? (int?)null : parameters.Int("times");
        if (
            parameters.Long("project_id") is not { } projectId
            || store.FindProject(projectId.ToString(System.Globalization.CultureInfo.InvariantCulture)) is null
            || (file is null) == (message is not { Length: > 0 })
            || (parameters.String("status") ?? "failed") != "failed"
            || parameters.Raw("times") is not null && times is not >= 1
        )
        {
            return Results.BadRequest(new { message = Usage });
        }

        var rule = new SimPipelineRule
        {
            Id = store.NewId(),
            ProjectId = projectId,
            FileContains = file,
            MessageContains = file is null ? message : null,
            Job = parameters.String("job") is { Length: > 0 } job ? job : null,
            Times = times,
        };
        store.PipelineRules.Add(rule);
        return Results.Json(Json(rule), statusCode: 201);
    }

    private static (string Path, string Text)? FileCondition(JsonElement condition) =>
        condition.TryGetProperty("path", out var path)
        && path.ValueKind == JsonValueKind.String
        && path.GetString() is { Length: > 0 } file
        && condition.TryGetProperty("text", out var text)
        && text.ValueKind == JsonValueKind.String
        && text.GetString() is { Length: > 0 } words
            ? (file, words)
            : null;

    private static object Json(SimPipelineRule rule) =>
        new
        {
            id = rule.Id,
            project_id = rule.ProjectId,
            when_file_contains = rule.FileContains is var (path, text) ? new { path, text } : null,
            when_commit_message_contains = rule.MessageContains,
            status = "failed",
            job = rule.Job,
            times = rule.Times,
            fired = rule.Fired,
        };
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace GitLabBus.Contracts;

/// <summary>
/// The gitlab_client_service contract's <c>ApplyBacklogResponse</c>, field by field (<c>results.epics</c>, <c>results.issues</c>,
/// <c>errors</c>),
/// plus <c>warnings</c> for what was ignored on items that were still applied. Names are explicit: this is the answer of
/// <c>apply-backlog</c> and the result of its operation.
/// </summary>
public sealed record ApplyBacklogResponse(
    [property: JsonPropertyName("results")] ApplyBacklogResults Results,
    [property: JsonPropertyName("errors")] IReadOnlyList<ApplyBacklogError> Errors,
    [property: JsonPropertyName("warnings")] IReadOnlyList<ApplyBacklogWarning> Warnings
)
{
    public static ApplyBacklogResponse From(BacklogApplied applied) =>
        new(
            new ApplyBacklogResults(
                [.. applied.Epics.Select(ApplyBacklogItemResult.From)],
                [.. applied.Issues.Select(ApplyBacklogItemResult.From)]
            ),
            [.. applied.Errors.Select(e => new ApplyBacklogError(e.Scope, e.InputIndex, e.Message, e.GitLabStatus))],
            [.. applied.Warnings.Select(w => new ApplyBacklogWarning(w.Scope, w.InputIndex, w.Message))]
        );

    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this);
}

public sealed record ApplyBacklogResults(
    [property: JsonPropertyName("epics")] IReadOnlyList<ApplyBacklogItemResult> Epics,
    [property: JsonPropertyName("issues")] IReadOnlyList<ApplyBacklogItemResult> Issues
);

public sealed record ApplyBacklogItemResult(
    [property: JsonPropertyName("input_index")] int InputIndex,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("web_url")] string WebUrl
)
{
    public static ApplyBacklogItemResult From(BacklogItemResult result) => new(result.InputIndex, result.Action, result.Id, result.WebUrl);
}

public sealed record ApplyBacklogError(
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("input_index")] int InputIndex,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("gitlab_status")] int? GitlabStatus
);

public sealed record ApplyBacklogWarning(
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("input_index")] int InputIndex,
    [property: JsonPropertyName("message")] string Message
);

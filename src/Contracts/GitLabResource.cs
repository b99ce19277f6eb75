using System.Text.Json;

namespace GitLabBus.Contracts;

/// <summary>GitLab's answer to a request, shaped as GitLab shapes it (snake_case field names).</summary>
public record GitLabResource(JsonElement Body);

/// <summary>GitLab refused a request or could not be reached; <see cref="Code"/> is the contract's error code.</summary>
public record GitLabRequestRefused(string Code, string Message, int? GitLabStatus);

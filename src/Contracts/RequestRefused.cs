using System.Text.Json;

namespace GitLabBus.Contracts;

/// <summary>GitLab's answer to a request, shaped as GitLab shapes it (snake_case field names).</summary>
public record GitLabResource(JsonElement Body);

/// <summary>
/// A bus request that could not be done: GitLab refused it or could not be reached, or what it names does not exist.
/// <see cref="Code"/> is the contract's error code; <see cref="GitLabStatus"/> GitLab's own status when GitLab answered;
/// <see cref="Details"/> what helps the caller (the names it could have used).
/// </summary>
public record RequestRefused(string Code, string Message, int? GitLabStatus, JsonElement? Details = null);

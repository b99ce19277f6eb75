using System.Text.Json;
using GitLabBus.Contracts;

namespace GitLabBus.Runtime.Operations;

/// <summary>
/// Progress of long-running operations: consumers and sagas append events, the gateway reads them and follows
/// them live. Redis keeps them as the stream <c>gitlabbus:ops:{id}</c> (24 h) and announces each on the channel
/// <c>gitlabbus:progress:{id}</c>; in embedded mode they live in memory.
/// </summary>
public interface IOperationProgress
{
    /// <summary>Appends an event; <paramref name="type"/> <c>completed</c> or <c>failed</c> ends the operation.</summary>
    Task<OperationEvent> AppendAsync(string operationId, string type, JsonElement? data, CancellationToken cancellationToken);

    /// <summary>Every event so far, oldest first (empty when the operation is unknown or expired).</summary>
    Task<IReadOnlyList<OperationEvent>> ReadAsync(string operationId, CancellationToken cancellationToken);

    /// <summary>Every event after <paramref name="afterId"/> (all when null), then live ones, ending after the final event.</summary>
    IAsyncEnumerable<OperationEvent> FollowAsync(string operationId, string? afterId, CancellationToken cancellationToken);
}

public static class OperationProgressExtensions
{
    /// <param name="owner">The project (and organisation) the operation works on: who may read it (a caller limited to some
    /// projects reads only theirs; an organisation's only its members).</param>
    public static Task<OperationEvent> StartedAsync(
        this IOperationProgress progress,
        string operationId,
        string kind,
        CancellationToken cancellationToken,
        OperationOwner owner = default
    )
    {
        var started = new Dictionary<string, object> { ["kind"] = kind };
        if (owner.ProjectId is { } project)
        {
            started["project_id"] = project;
        }

        if (owner.OrgId is { } org)
        {
            started["org_id"] = org;
        }

        return progress.AppendAsync(
            operationId,
            OperationEventTypes.Started,
            JsonSerializer.SerializeToElement(started),
            cancellationToken
        );
    }

    /// <summary>Whom the operation's <c>started</c> event names; neither project nor organisation when it names none (started by
    /// another system).</summary>
    public static OperationOwner OwnerOf(IReadOnlyList<OperationEvent> events)
    {
        if (events.FirstOrDefault(e => e.Type == OperationEventTypes.Started)?.Data is not { ValueKind: JsonValueKind.Object } data)
        {
            return default;
        }

        var project = data.TryGetProperty("project_id", out var named) && named.TryGetInt64(out var id) ? id : (long?)null;
        var org = data.TryGetProperty("org_id", out var ofOrg) && ofOrg.ValueKind == JsonValueKind.String ? ofOrg.GetString() : null;
        return new OperationOwner(project, org);
    }

    /// <summary>
    /// Records <c>started</c> unless the operation has events already: the gateway records its operations before it
    /// publishes, other systems that publish a request carrying an operation id have it started by the work.
    /// </summary>
    public static async Task EnsureStartedAsync(
        this IOperationProgress progress,
        string operationId,
        string kind,
        CancellationToken cancellationToken,
        OperationOwner owner = default
    )
    {
        if ((await progress.ReadAsync(operationId, cancellationToken)).Count == 0)
        {
            await progress.StartedAsync(operationId, kind, cancellationToken, owner);
        }
    }

    public static Task<OperationEvent> CompletedAsync(
        this IOperationProgress progress,
        string operationId,
        object result,
        CancellationToken cancellationToken
    ) => progress.AppendAsync(operationId, OperationEventTypes.Completed, JsonSerializer.SerializeToElement(result), cancellationToken);

    public static Task<OperationEvent> FailedAsync(
        this IOperationProgress progress,
        string operationId,
        string code,
        string message,
        CancellationToken cancellationToken
    ) =>
        progress.AppendAsync(
            operationId,
            OperationEventTypes.Failed,
            JsonSerializer.SerializeToElement(new { code, message }),
            cancellationToken
        );

    /// <summary>A failure GitLab's answer caused: its status travels with the code, as the error body carries it.</summary>
    public static Task<OperationEvent> FailedAsync(
        this IOperationProgress progress,
        string operationId,
        string code,
        string message,
        int? gitLabStatus,
        CancellationToken cancellationToken
    ) =>
        progress.AppendAsync(
            operationId,
            OperationEventTypes.Failed,
            JsonSerializer.SerializeToElement(
                new
                {
                    code,
                    message,
                    gitlab_status = gitLabStatus,
                }
            ),
            cancellationToken
        );

    /// <summary>The one way work fails an operation on a refusal: its code, words and GitLab's status, as the error body carries
    /// them.</summary>
    public static Task<OperationEvent> FailedAsync(
        this IOperationProgress progress,
        string operationId,
        RequestRefused refusal,
        CancellationToken cancellationToken
    ) => progress.FailedAsync(operationId, refusal.Code, refusal.Message, refusal.GitLabStatus, cancellationToken);
}

/// <summary>Whom an operation's work is for, recorded with it: the project (null when named by path only) and the organisation
/// whose GitLab it is (null for the served GitLab). A bare project id names a project of the served GitLab.</summary>
public readonly record struct OperationOwner(long? ProjectId, string? OrgId = null)
{
    public static implicit operator OperationOwner(long? projectId) => new(projectId);
}

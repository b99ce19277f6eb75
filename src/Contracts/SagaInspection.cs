using System.Text.Json;

namespace GitLabBus.Contracts;

/// <summary>The names of the platform's sagas; answered with <see cref="SagaNames"/> by the sagas role.</summary>
public record SagaNamesQuery;

public record SagaNames(IReadOnlyList<string> Names);

/// <summary>
/// A saga instance's current state (or, once it is gone, its last journalled state), asked of the sagas role that owns
/// it. Answered with <see cref="SagaInspected"/> or <see cref="RequestRefused"/> (<c>not_found</c>: no such saga, with the
/// known names in its details, or no such instance).
/// </summary>
public record SagaStateQuery(string Saga, Guid CorrelationId);

/// <summary>Every message the instance consumed, in order, with its state before and after; answered like
/// <see cref="SagaStateQuery"/>.</summary>
public record SagaJournalQuery(string Saga, Guid CorrelationId);

/// <summary>Re-runs the instance's journal on a fresh instance, sending nothing; answered like <see cref="SagaStateQuery"/>.</summary>
public record SagaReplayRequested(string Saga, Guid CorrelationId);

/// <summary>What the sagas role answered, as the <c>/sagas</c> endpoints show it (snake_case field names).</summary>
public record SagaInspected(JsonElement Body);

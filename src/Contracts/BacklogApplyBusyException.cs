namespace GitLabBus.Contracts;

/// <summary>
/// Someone else is applying the same prompt right now: the step waits for them through retries and redeliveries.
/// Part of the contract between the apply consumer and the saga: a step's fault that names this type ends the apply as
/// <c>conflict</c> (anything else given up is <c>gitlab_unavailable</c>).
/// </summary>
public sealed class BacklogApplyBusyException(string reason) : Exception(reason);

namespace GitLabBus.Runtime.Backlog;

/// <summary>
/// Someone else is applying the same prompt right now: the message waits for them through retries and redeliveries.
/// Given up at last, the apply fails as <c>conflict</c>.
/// </summary>
public sealed class BacklogApplyBusyException(string reason) : Exception(reason);

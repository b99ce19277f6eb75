namespace GitLabBus.Runtime.Bus;

/// <summary>
/// A message that can never be processed (failed validation). Not retried: it goes straight to the
/// endpoint's <c>_error</c> queue, where the fault headers carry this message as the reason.
/// </summary>
public sealed class InvalidMessageException(string reason) : Exception(reason);

namespace GitLabBus.Contracts;

/// <summary>
/// The gateway's <c>apply-backlog</c>, asked of the backlog consumers, who keep the prompts' ledger: they claim the prompt,
/// publish <see cref="Apply"/> (confirmed by the broker) and hold the prompt for the idempotency window. Answered with
/// <see cref="BacklogApplyAdmitted"/>, <see cref="BacklogApplyHeld"/> (another operation holds the prompt) or
/// <see cref="RequestRefused"/> (<c>bus_unavailable</c>: the apply could not be queued).
/// </summary>
public record BacklogApplyAdmissionRequested
{
    public required BacklogApplyRequested Apply { get; init; }
}

/// <summary>The apply was queued as its own operation.</summary>
public record BacklogApplyAdmitted(string OperationId);

/// <summary>
/// An earlier operation holds the prompt: nothing was published. <see cref="Response"/> is its answer once it finished
/// (answered again as it was); null while it runs (the caller follows <see cref="OperationId"/>).
/// </summary>
public record BacklogApplyHeld(string OperationId, ApplyBacklogResponse? Response);

namespace GitLabBus.Contracts;

/// <summary>Commits were pushed to a branch (or a branch was created or deleted).</summary>
public record PushReceived
{
    public Guid DeliveryId { get; init; }
    public long ProjectId { get; init; }

    /// <summary>The full ref, e.g. <c>refs/heads/main</c>.</summary>
    public string Ref { get; init; } = "";
    public string Before { get; init; } = "";
    public string After { get; init; } = "";
    public string? CheckoutSha { get; init; }
    public string? UserUsername { get; init; }
    public int TotalCommitsCount { get; init; }
    public IReadOnlyList<string> CommitShas { get; init; } = [];
}

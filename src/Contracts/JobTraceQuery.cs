namespace GitLabBus.Contracts;

/// <summary>
/// A job's log from byte <see cref="Offset"/> on, ANSI colour codes removed when <see cref="StripAnsi"/>.
/// Answered with <see cref="JobTraceTail"/> or <see cref="RequestRefused"/>.
/// </summary>
public record JobTraceQuery
{
    public long ProjectId { get; init; }
    public long JobId { get; init; }
    public long Offset { get; init; }
    public bool StripAnsi { get; init; }

    /// <summary>The caller's GitLab token in the credential store; the service token is used without it.</summary>
    public string? CredentialRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>The new part of a job's log, where the next read starts, and whether the job can still write more.</summary>
public record JobTraceTail(string Text, long Offset, long NextOffset, bool Complete);

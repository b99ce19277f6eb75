namespace GitLabBus.Contracts;

/// <summary>
/// One piece of a job's artifacts archive (or of one file in it, when <see cref="Path"/> is given): <see cref="Length"/>
/// bytes from <see cref="Offset"/>. The gateway streams a download by asking piece after piece, so neither it nor the
/// consumers ever hold a whole file. Answered with <see cref="ArtifactChunk"/> or <see cref="RequestRefused"/>.
/// </summary>
public record JobArtifactsQuery
{
    public long ProjectId { get; init; }
    public long JobId { get; init; }
    public string? Path { get; init; }
    public long Offset { get; init; }
    public int Length { get; init; }

    /// <summary>The caller's GitLab token in the credential store; the service token is used without it.</summary>
    public string? CredentialRef { get; init; }

    /// <summary>The organisation whose own GitLab the work is for (<see cref="OrgScope"/>); null for the GitLab this deployment
    /// serves.</summary>
    public string? OrgId { get; init; }
}

/// <summary>Bytes of a download from <see cref="Offset"/>, and what the whole file is.</summary>
public record ArtifactChunk(byte[] Data, long Offset, long TotalLength, string ContentType, string? FileName);

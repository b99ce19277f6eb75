namespace GitLabBus.GitLab;

/// <summary>A file coming from GitLab, read as it arrives (artifacts can be large): copy <see cref="Content"/> on, then dispose.</summary>
public sealed class GitLabDownload(HttpResponseMessage response, Stream content) : IAsyncDisposable
{
    public Stream Content { get; } = content;

    public string ContentType => response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";

    /// <summary>The bytes in this answer.</summary>
    public long? Length => response.Content.Headers.ContentLength;

    /// <summary>Where this answer starts in the file: the range's start for a partial answer (206), else 0.</summary>
    public long Offset => response.Content.Headers.ContentRange?.From ?? 0;

    /// <summary>The whole file's size: from <c>Content-Range</c> for a partial answer, else the answer's length.</summary>
    public long? TotalLength => response.Content.Headers.ContentRange?.Length ?? Length;

    public string? FileName =>
        response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"');

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync();
        response.Dispose();
    }
}

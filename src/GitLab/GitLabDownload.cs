namespace GitLabBus.GitLab;

/// <summary>A file coming from GitLab, read as it arrives (artifacts can be large): copy <see cref="Content"/> on, then dispose.</summary>
public sealed class GitLabDownload(HttpResponseMessage response, Stream content) : IAsyncDisposable
{
    public Stream Content { get; } = content;

    public string ContentType => response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";

    public long? Length => response.Content.Headers.ContentLength;

    public string? FileName => response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"');

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync();
        response.Dispose();
    }
}

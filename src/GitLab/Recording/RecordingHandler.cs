using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace GitLabBus.GitLab.Recording;

/// <summary>
/// <c>GITLAB_RECORD</c>: appends every request that reaches the wire, with GitLab's answer, to a JSON-lines file —
/// each attempt of a retried call too, so a replay goes through the same retries. Tokens never reach the file.
/// </summary>
internal sealed class RecordingHandler(GitLabRecordingFile file, TimeProvider time) : DelegatingHandler
{
    private static readonly HashSet<string> KeptHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "x-page",
        "x-per-page",
        "x-next-page",
        "x-prev-page",
        "x-total",
        "x-total-pages",
        "Link",
        "Retry-After",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        "RateLimit-Observed",
        "Content-Disposition",
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var recorded = await RecordedRequest.OfAsync(request, cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);

        // The answer is buffered to be recorded, then handed on as a fresh content with the same headers.
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var contentType = response.Content.Headers.ContentType?.ToString();
        var isText =
            contentType is null
            || contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase);
        var headers = response
            .Headers.Concat(response.Content.Headers)
            .Where(header => KeptHeaders.Contains(header.Key))
            .ToDictionary(header => header.Key, header => string.Join(", ", header.Value), StringComparer.OrdinalIgnoreCase);
        await file.AppendAsync(
            new RecordedInteraction(
                time.GetUtcNow(),
                recorded.Method,
                recorded.Path,
                recorded.Body,
                (int)response.StatusCode,
                headers,
                contentType,
                isText ? Redaction.Body(contentType, Encoding.UTF8.GetString(bytes)) : null,
                isText ? null : Convert.ToBase64String(bytes)
            ),
            cancellationToken
        );

        var replaced = new ByteArrayContent(bytes);
        foreach (var header in response.Content.Headers)
        {
            replaced.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = replaced;
        return response;
    }
}

/// <summary>The recording file: appended one line at a time by every client of the process.</summary>
public sealed class GitLabRecordingFile(string path)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string FilePath => path;

    public async Task AppendAsync(RecordedInteraction interaction, CancellationToken cancellationToken)
    {
        var line = JsonSerializer.Serialize(interaction, GitLabJson.Options) + "\n";
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await File.AppendAllTextAsync(path, line, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public static IReadOnlyList<RecordedInteraction> Read(string path) =>
        [
            .. File.ReadLines(path)
                .Where(line => !string.IsNullOrWhiteSpace(line))
                .Select(line => JsonSerializer.Deserialize<RecordedInteraction>(line, GitLabJson.Options)!),
        ];

    /// <summary>The part after <c>/api/v4/</c>, so a recording made against one host replays against any.</summary>
    internal static string RelativePath(Uri uri)
    {
        var text = uri.PathAndQuery;
        var at = text.IndexOf("/api/v4/", StringComparison.Ordinal);
        return at < 0 ? text.TrimStart('/') : text[(at + "/api/v4/".Length)..];
    }
}

/// <summary>
/// <c>GITLAB_REPLAY</c>: answers from a recording instead of the network. Identical requests get the recorded answers
/// in their recorded order (the last one again once they run out); a request never recorded fails as a
/// <see cref="GitLabErrorKind.Configuration"/> error naming it.
/// </summary>
internal sealed class ReplayHandler : HttpMessageHandler
{
    private readonly Dictionary<string, Queue<RecordedInteraction>> _answers;
    private readonly Dictionary<string, RecordedInteraction> _last = [];

    public ReplayHandler(string path)
    {
        if (!File.Exists(path))
        {
            throw new GitLabException(GitLabErrorKind.Configuration, $"GITLAB_REPLAY file not found: {path}");
        }

        _answers = GitLabRecordingFile
            .Read(path)
            .GroupBy(interaction => interaction.Key)
            .ToDictionary(group => group.Key, group => new Queue<RecordedInteraction>(group));
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var recorded = await RecordedRequest.OfAsync(request, cancellationToken);
        var key = recorded.Key;
        RecordedInteraction answer;
        lock (_answers)
        {
            if (_answers.TryGetValue(key, out var queue) && queue.TryDequeue(out var next))
            {
                _last[key] = answer = next;
            }
            else if (!_last.TryGetValue(key, out answer!))
            {
                throw new GitLabException(
                    GitLabErrorKind.Configuration,
                    "GITLAB_REPLAY has no recorded answer for this request",
                    request: $"{recorded.Method} {recorded.Path.Split('?', 2)[0]}"
                );
            }
        }

        var response = new HttpResponseMessage((System.Net.HttpStatusCode)answer.Status)
        {
            RequestMessage = request,
            Content = answer.BodyBase64 is { } binary
                ? new ByteArrayContent(Convert.FromBase64String(binary))
                : new StringContent(answer.Body ?? "", Encoding.UTF8),
        };
        if (answer.ContentType is { } contentType)
        {
            response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var (name, value) in answer.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitLabBus.GitLab.Recording;

/// <summary>One request and GitLab's answer, as a line of a recording (<c>GITLAB_RECORD</c>, <c>GITLAB_REPLAY</c>).</summary>
/// <param name="Path">Relative to <c>/api/v4/</c>, query included, secrets redacted.</param>
/// <param name="RequestBody">The request's body (JSON or form text) with secrets redacted; null when it had none.</param>
/// <param name="Body">A text answer as is (JSON with secrets redacted), else null and <paramref name="BodyBase64"/> holds the
/// bytes.</param>
public sealed record RecordedInteraction(
    DateTimeOffset RecordedAt,
    string Method,
    string Path,
    string? RequestBody,
    int Status,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    string? Body,
    string? BodyBase64
)
{
    public string Key => RecordedRequest.KeyOf(Method, Path, RequestBody);
}

/// <summary>A request as recordings know it: method, path relative to <c>/api/v4/</c> and body, secrets redacted.</summary>
internal sealed record RecordedRequest(string Method, string Path, string? Body)
{
    public string Key => KeyOf(Method, Path, Body);

    public static string KeyOf(string method, string path, string? body) => $"{method} {path} {body}";

    public static async Task<RecordedRequest> OfAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        new(
            request.Method.Method,
            Redaction.Path(GitLabRecordingFile.RelativePath(request.RequestUri!)),
            request.Content is null
                ? null
                : Redaction.Body(request.Content.Headers.ContentType?.MediaType, await request.Content.ReadAsStringAsync(cancellationToken))
        );
}

/// <summary>What never goes into a recording: tokens in query strings, JSON and form bodies.</summary>
internal static class Redaction
{
    public const string Redacted = "[REDACTED]";

    private static readonly HashSet<string> SecretNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "token",
        "private_token",
        "access_token",
        "password",
        "secret",
        "refresh_token",
        "client_secret",
        "code",
        "code_verifier",
    };

    public static string Path(string path)
    {
        var parts = path.Split('?', 2);
        return parts.Length == 1 ? path : parts[0] + "?" + Form(parts[1]);
    }

    /// <summary>A form or query string with secret fields' values replaced.</summary>
    public static string Form(string form) =>
        string.Join(
            '&',
            form.Split('&')
                .Select(pair =>
                {
                    var name = Uri.UnescapeDataString(pair.Split('=', 2)[0]);
                    return SecretNames.Contains(name) ? $"{pair.Split('=', 2)[0]}={Uri.EscapeDataString(Redacted)}" : pair;
                })
        );

    public static string Json(string json)
    {
        try
        {
            var node = JsonNode.Parse(json);
            Scrub(node);
            return node?.ToJsonString() ?? json;
        }
        catch (JsonException)
        {
            return json;
        }
    }

    public static string Body(string? contentType, string body) =>
        contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true ? Json(body)
        : contentType?.Contains("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true ? Form(body)
        : body;

    private static void Scrub(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject fields:
                foreach (var name in fields.Select(field => field.Key).ToList())
                {
                    if (SecretNames.Contains(name) && fields[name] is JsonValue)
                    {
                        fields[name] = Redacted;
                    }
                    else
                    {
                        Scrub(fields[name]);
                    }
                }

                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    Scrub(item);
                }

                break;
        }
    }
}

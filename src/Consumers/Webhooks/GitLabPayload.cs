using System.Globalization;
using System.Text.Json;

namespace GitLabBus.Consumers.Webhooks;

/// <summary>
/// Lenient reads of GitLab webhook payloads. GitLab's own examples mix timestamp formats
/// (<c>2013-12-03T17:15:43Z</c>, <c>2015-05-17 18:21:36 UTC</c>, even <c>2015-04-08T21: 00:25-07:00</c>),
/// and ids arrive as numbers or strings, so every read tolerates a missing or oddly typed field.
/// </summary>
public readonly record struct GitLabPayload(JsonElement Root)
{
    private static readonly string[] TimestampFormats = ["yyyy-MM-dd HH:mm:ss 'UTC'", "yyyy-MM-dd HH:mm:ss zzz", "yyyy-MM-dd HH:mm:ss"];

    public JsonElement? Find(params string[] path)
    {
        var current = Root;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    public GitLabPayload? Object(params string[] path) =>
        Find(path) is { ValueKind: JsonValueKind.Object } element ? new GitLabPayload(element) : null;

    public string? String(params string[] path) =>
        Find(path) switch
        {
            { ValueKind: JsonValueKind.String } e => e.GetString(),
            { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } e => e.GetRawText(),
            _ => null,
        };

    public long? Long(params string[] path) =>
        Find(path) switch
        {
            { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var n) => n,
            { ValueKind: JsonValueKind.String } e
                when long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };

    public double? Double(params string[] path) =>
        Find(path) switch
        {
            { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
            { ValueKind: JsonValueKind.String } e
                when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };

    public bool Bool(params string[] path) =>
        Find(path) switch
        {
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.String } e => string.Equals(e.GetString(), "true", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };

    public DateTimeOffset? Timestamp(params string[] path) => ParseTimestamp(String(path));

    public IEnumerable<GitLabPayload> Array(params string[] path) =>
        Find(path) is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(e => new GitLabPayload(e))
            : [];

    public IReadOnlyList<string> Strings(params string[] path) =>
        Find(path) is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];

    /// <summary>Label titles, from either a list of label objects or a list of names.</summary>
    public IReadOnlyList<string> LabelTitles(params string[] path) =>
        Find(path) is { ValueKind: JsonValueKind.Array } array
            ? array
                .EnumerateArray()
                .Select(e =>
                    e.ValueKind switch
                    {
                        JsonValueKind.String => e.GetString(),
                        JsonValueKind.Object => new GitLabPayload(e).String("title"),
                        _ => null,
                    }
                )
                .OfType<string>()
                .ToList()
            : [];

    public static DateTimeOffset? ParseTimestamp(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces;
        if (DateTimeOffset.TryParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, styles, out var exact))
        {
            return exact;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, styles, out var parsed))
        {
            return parsed;
        }

        // GitLab's documented "2015-04-08T21: 00:25-07:00": stray spaces inside the time.
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        return DateTimeOffset.TryParse(compact, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var repaired)
            ? repaired
            : null;
    }
}

using System.Text.Json;

namespace GitLabBus.Simulator.Api;

/// <summary>A request's parameters as GitLab (Grape) reads them: query string, form fields and JSON body alike.</summary>
public sealed partial class SimParams
{
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);

    /// <summary>Lets endpoints take <see cref="SimParams"/> as a parameter, read before the handler runs.</summary>
    /// <remarks>A body the gate already buffered (a slowed request) is read whatever the client does meanwhile, as GitLab would.</remarks>
    public static ValueTask<SimParams?> BindAsync(HttpContext http) =>
        ReadAsync(http.Request, http.Request.Body.CanSeek ? CancellationToken.None : http.RequestAborted);

    private static async ValueTask<SimParams?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var parameters = new SimParams();
        foreach (var (key, value) in request.Query)
        {
            parameters._values[key] = JsonSerializer.SerializeToElement(value.ToString());
        }

        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            foreach (var (key, value) in form)
            {
                parameters._values[key] = JsonSerializer.SerializeToElement(value.ToString());
            }

            parameters.NestFormFields(form.Keys);
        }
        else if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
                if (json.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in json.RootElement.EnumerateObject())
                    {
                        parameters._values[property.Name] = property.Value.Clone();
                    }
                }
            }
            catch (JsonException)
            {
                parameters.Malformed = true;
            }
        }

        return parameters;
    }

    /// <summary>
    /// Grape reads form fields named <c>position[base_sha]</c>, <c>position[new_line]</c>, ... as one object
    /// <c>position</c>, as some clients send a diff position: so does this (values stay text).
    /// </summary>
    private void NestFormFields(IEnumerable<string> keys)
    {
        var nested = keys.Select(key => (Key: key, Match: NestedField().Match(key)))
            .Where(field => field.Match.Success)
            .GroupBy(field => field.Match.Groups[1].Value);
        foreach (var group in nested.Where(group => !_values.ContainsKey(group.Key)))
        {
            var fields = group.ToDictionary(field => field.Match.Groups[2].Value, field => _values[field.Key]);
            _values[group.Key] = JsonSerializer.SerializeToElement(fields);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(\w+)\[(\w+)\]$")]
    private static partial System.Text.RegularExpressions.Regex NestedField();

    public bool Malformed { get; private set; }

    public IEnumerable<string> Keys => _values.Keys;

    public bool Has(string name) => _values.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public JsonElement? Raw(string name) =>
        _values.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public string? String(string name) =>
        Raw(name) switch
        {
            { ValueKind: JsonValueKind.String } text => text.GetString(),
            { } other => other.GetRawText(),
            null => null,
        };

    public long? Long(string name) => long.TryParse(String(name), out var value) ? value : null;

    public int? Int(string name) => int.TryParse(String(name), out var value) ? value : null;

    public bool? Bool(string name) =>
        String(name)?.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => null,
        };

    /// <summary>GitLab's label lists: comma-separated text or a JSON array.</summary>
    public List<string>? Labels(string name) =>
        Raw(name) switch
        {
            { ValueKind: JsonValueKind.Array } array =>
            [
                .. array.EnumerateArray().Select(e => e.ToString().Trim()).Where(l => l.Length > 0),
            ],
            { } => [.. String(name)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            null => null,
        };
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitLabBus.Sagas.Replay;

/// <summary>
/// Compares saga instances as JSON, leaving out what a replay cannot reproduce: the repository's version counter,
/// and scheduling tokens, which the replay makes up and which stand for the recorded ones at the same place.
/// </summary>
internal sealed class InstanceComparison
{
    private const string VersionProperty = "version";

    private readonly Dictionary<string, string> _recordedTokenFor = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The recorded scheduling token a replayed one stands for, so later scheduled events find their instance.</summary>
    /// <remarks>Compared as Guids: headers carry them without dashes, instances with.</remarks>
    public string? ReplayedTokenFor(string recordedToken) =>
        Guid.TryParse(recordedToken, out var recorded)
            ? _recordedTokenFor.FirstOrDefault(pair => Guid.Parse(pair.Value) == recorded).Key
            : null;

    /// <summary>Learns which made-up tokens took the place of recorded ones: same path, both Guids, the replayed one issued by this
    /// replay.</summary>
    public void LearnTokens(JsonElement? replayed, JsonElement? recorded, Func<Guid, bool> issuedByReplay)
    {
        if (replayed is null || recorded is null)
        {
            return;
        }

        var recordedValues = Leaves(Normalize(recorded)).ToDictionary(leaf => leaf.Path, leaf => leaf.Value);
        foreach (var (path, value) in Leaves(Normalize(replayed)))
        {
            if (
                Guid.TryParse(value.Trim('"'), out var token)
                && issuedByReplay(token)
                && recordedValues.TryGetValue(path, out var recordedValue)
                && Guid.TryParse(recordedValue.Trim('"'), out _)
            )
            {
                _recordedTokenFor[value.Trim('"')] = recordedValue.Trim('"');
            }
        }
    }

    public IReadOnlyList<string> Differences(JsonElement? replayed, JsonElement? recorded)
    {
        var replayedLeaves = Leaves(Translate(Normalize(replayed))).ToDictionary(leaf => leaf.Path, leaf => leaf.Value);
        var recordedLeaves = Leaves(Normalize(recorded)).ToDictionary(leaf => leaf.Path, leaf => leaf.Value);
        return
        [
            .. replayedLeaves
                .Keys.Union(recordedLeaves.Keys)
                .Order(StringComparer.Ordinal)
                .Where(path => replayedLeaves.GetValueOrDefault(path) != recordedLeaves.GetValueOrDefault(path))
                .Select(path =>
                    $"{path}: replayed {replayedLeaves.GetValueOrDefault(path) ?? "(absent)"}, "
                    + $"recorded {recordedLeaves.GetValueOrDefault(path) ?? "(absent)"}"
                ),
        ];
    }

    private static JsonNode? Normalize(JsonElement? instance)
    {
        var node = instance is { } element ? JsonNode.Parse(element.GetRawText()) : null;
        (node as JsonObject)?.Remove(VersionProperty);
        return node;
    }

    private JsonNode? Translate(JsonNode? node) =>
        node switch
        {
            JsonObject obj => new JsonObject(obj.Select(property => KeyValuePair.Create(property.Key, Translate(property.Value)))),
            JsonArray array => new JsonArray([.. array.Select(Translate)]),
            JsonValue value when value.TryGetValue<string>(out var text) && _recordedTokenFor.TryGetValue(text, out var recorded) =>
                JsonValue.Create(recorded),
            _ => node?.DeepClone(),
        };

    private static IEnumerable<(string Path, string Value)> Leaves(JsonNode? node, string path = "$")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    foreach (var leaf in Leaves(child, $"{path}.{key}"))
                    {
                        yield return leaf;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var leaf in Leaves(array[i], $"{path}[{i}]"))
                    {
                        yield return leaf;
                    }
                }

                break;
            case null:
                yield return (path, "null");
                break;
            default:
                yield return (path, node.ToJsonString());
                break;
        }
    }
}

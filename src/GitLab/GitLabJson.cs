using System.Text.Json;
using System.Text.Json.Serialization;

namespace GitLabBus.GitLab;

/// <summary>GitLab's JSON: snake_case names, nulls left out of what we send.</summary>
public static class GitLabJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}

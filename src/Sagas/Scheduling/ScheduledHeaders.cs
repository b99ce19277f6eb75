using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;

namespace GitLabBus.Sagas.Scheduling;

/// <summary>The headers a stored message is sent with when its time comes.</summary>
internal static class ScheduledHeaders
{
    /// <summary>Every header as scheduled, plus the token id a saga's <c>Schedule</c> checks before accepting the event.</summary>
    public static DictionarySendHeaders Restore(ScheduledMessage message)
    {
        var headers = new DictionarySendHeaders();
        foreach (var (key, value) in message.Headers)
        {
            if (ToHeaderValue(value) is { } restored)
            {
                headers.Set(key, restored);
            }
        }

        headers.Set(MessageHeaders.SchedulingTokenId, message.TokenId.ToString("N"));
        return headers;
    }

    private static object? ToHeaderValue(JsonElement value) =>
        value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number when value.TryGetInt64(out var whole) => whole,
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        };
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;

namespace GitLabBus.Sagas.Journal;

/// <summary>The message a saga consumed, as the journal keeps it: its type URN, its body as JSON, its headers.</summary>
internal static class ConsumedMessage
{
    private static readonly ConcurrentDictionary<Type, Func<ConsumeContext, (string Urn, JsonElement Body)>> Readers = new();

    private static readonly MethodInfo ReadMethod = typeof(ConsumedMessage).GetMethod(
        nameof(Read),
        BindingFlags.NonPublic | BindingFlags.Static
    )!;

    /// <summary>A saga filter sees the context as <c>SagaConsumeContext&lt;TSaga&gt;</c>; the message type is the context's own.</summary>
    public static (string Urn, JsonElement Body) Of(ConsumeContext context) => Readers.GetOrAdd(context.GetType(), ReaderFor)(context);

    /// <summary>Headers with a scalar value, as text (RabbitMQ hands strings over as bytes, envelopes as JSON).</summary>
    public static IReadOnlyDictionary<string, string> Headers(ConsumeContext context) =>
        context
            .Headers.GetAll()
            .Select(header => (header.Key, Value: HeaderText(header.Value)))
            .Where(header => header.Value is not null)
            .GroupBy(header => header.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(group => group.Key, group => group.First().Value!);

    private static string? HeaderText(object? value) =>
        value switch
        {
            string or Guid or bool or int or long or DateTime or DateTimeOffset => Convert.ToString(value, CultureInfo.InvariantCulture),
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            JsonElement { ValueKind: JsonValueKind.String } text => text.GetString(),
            JsonElement { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } scalar => scalar.GetRawText(),
            _ => null,
        };

    public static JsonElement Snapshot<T>(T value) => JsonSerializer.SerializeToElement(value, SystemTextJsonMessageSerializer.Options);

    private static Func<ConsumeContext, (string, JsonElement)> ReaderFor(Type contextType)
    {
        var messageType = contextType
            .GetInterfaces()
            .First(type => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ConsumeContext<>))
            .GetGenericArguments()[0];
        return ReadMethod.MakeGenericMethod(messageType).CreateDelegate<Func<ConsumeContext, (string, JsonElement)>>();
    }

    private static (string, JsonElement) Read<T>(ConsumeContext context)
        where T : class => (MessageUrn.ForTypeString<T>(), Snapshot(((ConsumeContext<T>)context).Message));
}

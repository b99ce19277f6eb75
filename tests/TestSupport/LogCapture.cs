using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace GitLabBus.Tests.TestSupport;

/// <summary>A Serilog sink that keeps every event as text: message, properties and exception.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    public IReadOnlyList<LogEvent> Events => _events.ToList();

    public IEnumerable<string> Lines =>
        _events.Select(e => $"{e.RenderMessage()} {string.Join(' ', e.Properties.Select(p => $"{p.Key}={p.Value}"))} {e.Exception}");

    public string AllText => string.Join('\n', Lines);
}

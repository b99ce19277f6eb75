using GitLabBus.Runtime.Logging;
using MassTransit;
using SerilogContext = Serilog.Context.LogContext;

namespace GitLabBus.Runtime.Bus;

/// <summary>
/// Restores the request id a message carries (or starts one from its message id) for the whole of its
/// consumption, so every log line of that work and every message it causes carry the same id.
/// </summary>
public sealed class RequestIdConsumeFilter<T> : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var requestId = RequestContext.Normalize(
            context.Headers.Get<string>(RequestContext.HeaderName) ?? context.MessageId?.ToString("N")
        );
        var previous = RequestContext.RequestId;
        RequestContext.RequestId = requestId;
        try
        {
            using (SerilogContext.PushProperty("MessageType", typeof(T).Name))
            using (SerilogContext.PushProperty("MessageId", context.MessageId))
            {
                await next.Send(context);
            }
        }
        finally
        {
            RequestContext.RequestId = previous;
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("requestId");
}

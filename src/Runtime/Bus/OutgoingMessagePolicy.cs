using GitLabBus.Runtime.Logging;
using MassTransit;

namespace GitLabBus.Runtime.Bus;

/// <summary>
/// Stamps the current request id on every message published or sent, so the work it causes logs the same id,
/// and makes sends to the scheduler mandatory: a schedule request that no scheduler queue receives must fail
/// loudly (and be retried) rather than vanish.
/// </summary>
public sealed class OutgoingMessagePolicy : IPublishObserver, ISendObserver
{
    public Task PrePublish<T>(PublishContext<T> context)
        where T : class => Stamp(context);

    public Task PreSend<T>(SendContext<T> context)
        where T : class
    {
        if (context.DestinationAddress?.AbsolutePath.EndsWith("/" + BusRegistration.SchedulerQueue, StringComparison.Ordinal) == true)
        {
            context.RequireRoute();
        }

        return Stamp(context);
    }

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;

    public Task PostSend<T>(SendContext<T> context)
        where T : class => Task.CompletedTask;

    public Task SendFault<T>(SendContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;

    private static Task Stamp(SendContext context)
    {
        if (RequestContext.RequestId is { } requestId && !context.Headers.TryGetHeader(RequestContext.HeaderName, out _))
        {
            context.Headers.Set(RequestContext.HeaderName, requestId);
        }

        return Task.CompletedTask;
    }
}

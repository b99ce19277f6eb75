using MassTransit;

namespace GitLabBus.Runtime.Bus;

/// <summary>
/// A confirmed publish to an exchange with no queue bound is silently dropped by RabbitMQ. Marking a
/// publish mandatory makes the broker return it instead, and MassTransit then fails the publish, so the
/// caller can refuse the input rather than acknowledge something that went nowhere.
/// </summary>
public static class MandatoryRouting
{
    public static void RequireRoute(this SendContext context)
    {
        if (context.TryGetPayload(out RabbitMqSendContext? rabbit))
        {
            rabbit.Mandatory = true;
        }
    }
}

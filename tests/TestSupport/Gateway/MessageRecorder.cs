using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;

namespace GitLabBus.Tests.TestSupport.Gateway;

/// <summary>Every message a bus publishes or sends, serialized as it travels: for proving a secret is in none of them.</summary>
public sealed class MessageRecorder(ConcurrentQueue<string> messages) : IPublishObserver, ISendObserver
{
    public Task PrePublish<T>(PublishContext<T> context)
        where T : class => Record(context.Message);

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;

    public Task PreSend<T>(SendContext<T> context)
        where T : class => Record(context.Message);

    public Task PostSend<T>(SendContext<T> context)
        where T : class => Task.CompletedTask;

    public Task SendFault<T>(SendContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;

    private Task Record<T>(T message)
    {
        messages.Enqueue(JsonSerializer.Serialize(message, MassTransit.Serialization.SystemTextJsonMessageSerializer.Options));
        return Task.CompletedTask;
    }
}

using GitLabBus.Runtime.Hosting;

namespace GitLabBus.Consumers;

/// <summary>The consumers host: every consumer, on RabbitMQ and Redis, with <c>/health</c> on :8081.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        RoleHost.RunAsync(args, ConsumersRole.Name, "http://127.0.0.1:8081", (services, settings) => services.AddConsumersRole(settings));
}

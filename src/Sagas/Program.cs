using GitLabBus.Runtime.Hosting;

namespace GitLabBus.Sagas;

/// <summary>The sagas host: state machines and the scheduler endpoint, on RabbitMQ and Redis, with <c>/health</c> on :8082.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        RoleHost.RunAsync(args, SagasRole.Name, "http://127.0.0.1:8082", (services, settings) => services.AddSagasRole(settings));
}

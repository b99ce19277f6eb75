using GitLabBus.Runtime.Hosting;
using GitLabBus.Sagas.Replay;

namespace GitLabBus.Sagas;

/// <summary>
/// The sagas host: state machines and the scheduler endpoint, on RabbitMQ and Redis, with <c>/health</c> on :8082.
/// <c>replay &lt;saga&gt; &lt;correlation-id&gt;</c> replays a saga's journal instead and prints its timeline.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        args is [ReplayCommand.Name, ..]
            ? ReplayCommand.RunAsync(
                args[1..],
                new ConfigurationBuilder().AddEnvironmentVariables().Build(),
                Console.Out,
                Console.Error,
                (services, settings) => services.AddSagaInspection(settings),
                CancellationToken.None
            )
            : RoleHost.RunAsync(args, SagasRole.Name, "http://127.0.0.1:8082", (services, settings) => services.AddSagasRole(settings));
}

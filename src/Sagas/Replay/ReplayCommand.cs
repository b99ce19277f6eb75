using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.State;
using GitLabBus.Sagas.Inspection;

namespace GitLabBus.Sagas.Replay;

/// <summary>
/// <c>dotnet run --project src/Sagas -- replay &lt;saga&gt; &lt;correlation-id&gt;</c>: replays a journal from Redis and
/// prints the timeline. Exit code 0 when the replay ends in the stored state, 1 when it differs, 2 when it cannot run.
/// </summary>
public static class ReplayCommand
{
    public const string Name = "replay";

    /// <param name="addSagas">Registers the known sagas (tests add their own; the host adds the platform's).</param>
    public static async Task<int> RunAsync(
        string[] args,
        IConfiguration configuration,
        TextWriter output,
        TextWriter error,
        Action<IServiceCollection, RuntimeSettings> addSagas,
        CancellationToken cancellationToken
    )
    {
        if (args.Length != 2 || !Guid.TryParse(args[1], out var correlationId))
        {
            error.WriteLine(
                "usage: replay <saga> <correlation-id>   (correlation id: a GUID; saga: a kebab-case name such as pipeline-monitor)"
            );
            return 2;
        }

        RuntimeSettings settings;
        try
        {
            settings = RuntimeSettings.Read(configuration);
        }
        catch (InvalidSettingException invalid)
        {
            error.WriteLine(invalid.Message);
            return 2;
        }

        if (settings.Redis.InMemory)
        {
            error.WriteLine(
                "configuration error: REDIS_URL is required: journals are read from Redis "
                    + "(in embedded mode they live in the gateway process: POST /sagas/{saga}/{correlation_id}/replay)"
            );
            return 2;
        }

        var services = new ServiceCollection().AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddGitLabBusState(settings);
        addSagas(services, settings);
        await using var provider = services.BuildServiceProvider();
        var inspector = provider.GetRequiredService<SagaInspector>();
        var saga = args[0];
        if (!inspector.Knows(saga))
        {
            error.WriteLine(
                $"no saga named '{saga}'; known sagas: {(inspector.Names.Count == 0 ? "(none)" : string.Join(", ", inspector.Names))}"
            );
            return 2;
        }

        if (await inspector.ReplayAsync(saga, correlationId, cancellationToken) is not { } replay)
        {
            error.WriteLine($"no journal for {saga} {correlationId}: never started, or its journal has expired");
            return 2;
        }

        ReplayTimeline.Write(output, replay);
        return replay.EndStateMatches ? 0 : 1;
    }
}

namespace GitLabBus.Simulator;

/// <summary>The GitLab simulator on its own: <c>dotnet run --project src/Simulator [-- --urls http://127.0.0.1:8929]</c>.</summary>
internal static class Program
{
    public static async Task Main(string[] args)
    {
        var url =
            args.SkipWhile(arg => arg != "--urls").Skip(1).FirstOrDefault()
            ?? Environment.GetEnvironmentVariable("SIMULATOR_URL")
            ?? SimulatorOptions.DefaultUrl;
        var options = SimulatorOptions.FromEnvironment(url);
        var app = SimulatorApp.Build(options, args);
        app.Lifetime.ApplicationStarted.Register(() =>
            Console.WriteLine(
                $"GitLab simulator on {url}/api/v4 (token {TokenSource()}); demo project demo/shop (id 1); controls under {url}/_sim"
            )
        );
        await app.RunAsync();
    }

    private static string TokenSource() =>
        Environment.GetEnvironmentVariable("SIMULATOR_TOKENS") is { Length: > 0 } ? "from SIMULATOR_TOKENS" : SimulatorOptions.DefaultToken;
}

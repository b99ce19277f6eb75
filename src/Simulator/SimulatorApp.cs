using GitLabBus.Simulator.Admin;
using GitLabBus.Simulator.Api;
using GitLabBus.Simulator.Engine;
using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator;

/// <summary>Builds the simulator as a web application, standalone (<c>Program</c>) or inside another host and tests.</summary>
public static class SimulatorApp
{
    public static WebApplication Build(SimulatorOptions options, string[]? args = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        builder.WebHost.UseUrls(options.PublicUrl);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SimClock>();
        builder.Services.AddSingleton<SimStore>();
        builder.Services.AddSingleton<SimFaults>();
        builder.Services.AddSingleton<SimRequestCounts>();
        builder.Services.AddHttpClient("simulator-webhooks", client => client.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<WebhookDispatcher>());
        builder.Services.AddHostedService<PipelineEngine>();

        var app = builder.Build();
        app.Services.GetRequiredService<SimStore>().Write(DemoSeed.Apply);

        app.UseMiddleware<SimGate>();
        var api = app.MapGroup("/api/v4");
        api.MapProjects();
        api.MapRepository();
        api.MapRepositoryFiles();
        api.MapUsers();
        api.MapApplications();
        api.MapHooks();
        api.MapWorkItems();
        api.MapMergeRequests();
        api.MapMergeRequestNotes();
        api.MapPipelines();
        app.MapSimulatorAdmin();
        app.MapOAuth();
        app.MapFallback(
            (HttpContext http) =>
                http.Request.Path.StartsWithSegments("/api/v4") ? SimResults.Ok(new { error = "404 Not Found" }, 404) : Results.NotFound()
        );
        return app;
    }

    /// <summary>Starts a simulator in this process (the embedded gateway, tests); dispose to stop it.</summary>
    public static async Task<WebApplication> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default)
    {
        var app = Build(options);
        await app.StartAsync(cancellationToken);
        return app;
    }
}

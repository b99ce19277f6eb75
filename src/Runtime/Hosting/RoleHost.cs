using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Health;
using GitLabBus.Runtime.Logging;
using GitLabBus.Runtime.Observability;
using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.State;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;

namespace GitLabBus.Runtime.Hosting;

/// <summary>
/// The standalone consumers and sagas hosts: one role on RabbitMQ and Redis, serving only <c>/health</c> and <c>/metrics</c>.
/// Without RabbitMQ a standalone role would hear nothing, so it refuses to start.
/// </summary>
public static class RoleHost
{
    /// <param name="addRole">Registers the role's services and returns its bus registrations.</param>
    public static WebApplication Build(
        string[] args,
        string role,
        string defaultUrl,
        Func<IServiceCollection, RuntimeSettings, Action<IBusRegistrationConfigurator>> addRole
    )
    {
        var builder = WebApplication.CreateBuilder(args);
        var settings = RuntimeSettings.Read(builder.Configuration);
        if (settings.Bus.InMemory)
        {
            throw new InvalidSettingException(
                "RABBITMQ_URL",
                $"is required by the {role} host (without it, run the gateway alone: it hosts every role)"
            );
        }

        if (settings.Redis.InMemory)
        {
            throw new InvalidSettingException("REDIS_URL", $"is required by the {role} host (state must be shared with the gateway)");
        }

        UseDefaultUrl(builder, defaultUrl);
        AddLogging(builder, role);
        builder.Services.AddGitLabBusState(settings);
        builder.Services.AddGitLabBus(settings.Bus, addRole(builder.Services, settings));
        builder.Services.AddGitLabBusMetrics();
        builder.Services.AddGitLabBusTracing();

        var app = builder.Build();
        app.MapGitLabBusHealth();
        app.MapGitLabBusMetrics();
        app.Lifetime.ApplicationStarted.Register(() =>
            app
                .Services.GetRequiredService<ILoggerFactory>()
                .CreateLogger("GitLabBus")
                .LogInformation(
                    "{Role} host started: bus {Bus}, state {State}, health on {Urls}",
                    role,
                    settings.Bus.Describe(),
                    settings.Redis.Describe(),
                    string.Join(", ", app.Urls)
                )
        );
        return app;
    }

    public static async Task<int> RunAsync(
        string[] args,
        string role,
        string defaultUrl,
        Func<IServiceCollection, RuntimeSettings, Action<IBusRegistrationConfigurator>> addRole
    )
    {
        WebApplication app;
        try
        {
            app = Build(args, role, defaultUrl, addRole);
        }
        catch (InvalidSettingException invalid)
        {
            Console.Error.WriteLine(invalid.Message);
            return 2;
        }

        await app.RunAsync();
        return 0;
    }

    /// <summary>Binds <paramref name="defaultUrl"/> unless <c>ASPNETCORE_URLS</c> or <c>--urls</c> says otherwise.</summary>
    public static void UseDefaultUrl(WebApplicationBuilder builder, string defaultUrl)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(defaultUrl);
        }
    }

    /// <summary>
    /// Serilog for the host; sinks registered in DI (tests capture logs that way) are added too. The static
    /// <c>Log.Logger</c> is left alone so that several hosts in one process each keep their own logger.
    /// </summary>
    public static void AddLogging(WebApplicationBuilder builder, string role) =>
        builder.Services.AddSerilog(
            (services, logger) => SerilogSetup.Configure(logger, builder.Configuration, role).ReadFrom.Services(services),
            preserveStaticLogger: true
        );
}

using System.Collections.Concurrent;
using System.Net.Http.Headers;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Startup;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace GitLabBus.Tests.TestSupport.Gateway;

/// <summary>
/// The real gateway in memory (embedded mode unless a test says otherwise), with known secrets, captured
/// logs and a record of every <see cref="WebhookReceived"/> it published.
/// </summary>
public sealed class GatewayFactory : WebApplicationFactory<Program>
{
    public const string WebhookSecret = "test-webhook-secret-3f9a1c";
    public const string JwtSecret = "test-jwt-secret-0123456789abcdef0123456789";

    private readonly Dictionary<string, string?> _settings = new()
    {
        ["GITLAB_WEBHOOK_SECRET"] = WebhookSecret,
        ["LOCAL_JWT_SECRET"] = JwtSecret,

        // Each gateway under test starts its own simulator: never on the shared default port.
        ["SIMULATOR_URL"] = Ports.FreeLoopbackUrl(),
    };

    /// <summary>Where this gateway's own GitLab simulator listens.</summary>
    public string SimulatorUrl => _settings["SIMULATOR_URL"]!;

    /// <summary>Overrides an environment variable; call before the first request starts the server.</summary>
    public GatewayFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    private readonly List<Action<IServiceCollection>> _services = [];

    private int _recording;

    /// <summary>Adds registrations after the gateway's own; call before the first request starts the server.</summary>
    public GatewayFactory WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    public LogCapture Logs { get; } = new();

    public ConcurrentQueue<PublishContext<WebhookReceived>> Published { get; } = new();

    public GatewaySettings Settings => Services.GetRequiredService<GatewaySettings>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.AddSingleton<ILogEventSink>(Logs);
            _services.ForEach(configure => configure(services));
        });
    }

    /// <summary>Starts the server and begins recording publishes.</summary>
    public HttpClient CreateRecordingClient()
    {
        var client = CreateClient();
        if (Interlocked.Exchange(ref _recording, 1) == 0)
        {
            Services.GetRequiredService<IBus>().ConnectPublishObserver(new PublishRecorder(Published));
        }

        return client;
    }

    /// <summary>Every message the gateway's bus publishes or sends from now on, serialized: for proving a secret is in none.</summary>
    public ConcurrentQueue<string> RecordMessages()
    {
        var messages = new ConcurrentQueue<string>();
        var bus = Services.GetRequiredService<IBus>();
        bus.ConnectPublishObserver(new MessageRecorder(messages));
        bus.ConnectSendObserver(new MessageRecorder(messages));
        return messages;
    }

    public string TokenFor(params string[] roles) =>
        TokenIssuer.Issue(Settings, "test-user", roles, TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow);

    /// <summary>A viewer whose token is limited to <paramref name="projects"/>, as a user's who is not an admin.</summary>
    public HttpClient ClientLimitedTo(params long[] projects) => ClientOf([Roles.Viewer], projects: projects);

    /// <summary>A caller whose token has these roles, may act for <paramref name="orgs"/> and, when given, only on
    /// <paramref name="projects"/>.</summary>
    public HttpClient ClientOf(string[] roles, string[]? orgs = null, long[]? projects = null)
    {
        var client = CreateRecordingClient();
        var token = TokenIssuer.Issue(
            Settings,
            "test-user",
            roles,
            TimeSpan.FromMinutes(10),
            DateTimeOffset.UtcNow,
            projects: projects,
            orgs: orgs
        );
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient ClientWithRoles(params string[] roles)
    {
        var client = CreateRecordingClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(roles));
        return client;
    }

    private sealed class PublishRecorder(ConcurrentQueue<PublishContext<WebhookReceived>> published) : IPublishObserver
    {
        public Task PrePublish<T>(PublishContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostPublish<T>(PublishContext<T> context)
            where T : class
        {
            if (context is PublishContext<WebhookReceived> webhook)
            {
                published.Enqueue(webhook);
            }

            return Task.CompletedTask;
        }

        public Task PublishFault<T>(PublishContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }
}

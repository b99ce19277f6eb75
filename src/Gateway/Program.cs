using System.Text.Json;
using GitLabBus.Consumers;
using GitLabBus.Gateway.Auth;
using GitLabBus.Gateway.Backlog;
using GitLabBus.Gateway.Bus;
using GitLabBus.Gateway.Errors;
using GitLabBus.Gateway.Health;
using GitLabBus.Gateway.Identity;
using GitLabBus.Gateway.MergeQueue;
using GitLabBus.Gateway.Observability;
using GitLabBus.Gateway.Operations;
using GitLabBus.Gateway.Pipelines;
using GitLabBus.Gateway.Reviews;
using GitLabBus.Gateway.Sagas;
using GitLabBus.Gateway.Startup;
using GitLabBus.Gateway.Webhooks;
using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Health;
using GitLabBus.Runtime.Hosting;
using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.State;
using GitLabBus.Sagas;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

var builder = WebApplication.CreateBuilder(args);
if (args is [TokenCommand.Name, .. var tokenArgs])
{
    return TokenCommand.Run(tokenArgs, new SettingsReader(builder.Configuration), Console.Out, Console.Error);
}

RuntimeSettings runtime;
GatewaySettings gateway;
GitLabSettings gitlab;
try
{
    runtime = RuntimeSettings.Read(builder.Configuration);
    gateway = GatewaySettings.Read(new SettingsReader(builder.Configuration), runtime);
    gitlab = GitLabSettings.Read(runtime.Reader);

    // The roles read their own settings as they register: the only two calls into the consumers and sagas.
    builder.Services.AddGitLabBusState(runtime);
    Action<IBusRegistrationConfigurator>[] roles = gateway.RunsAllRoles
        ? [builder.Services.AddConsumersRole(runtime), builder.Services.AddSagasRole(runtime)]
        : [];
    builder.Services.AddGitLabBus(runtime.Bus, [WebhookRegistration.AddWebhookDeliveryLog, .. roles]);
}
catch (InvalidSettingException invalid)
{
    Console.Error.WriteLine(invalid.Message);
    return 2;
}

RoleHost.UseDefaultUrl(builder, "http://127.0.0.1:8080");
builder.WebHost.ConfigureKestrel(RequestBounds.LimitServer);
RoleHost.AddLogging(builder, "gateway");
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
builder.Services.TryAddSingleton(gitlab);
builder.Services.AddEmbeddedSimulator(gitlab);
builder.Services.AddGatewayAuth(gateway);
builder.Services.AddGatewayIdentity(gateway.Identity, runtime.Redis);
builder.Services.AddWebhookIngress(gateway, runtime.Redis);
builder.Services.AddSingleton<BusRequests>();
builder.Services.AddScoped<OperationStarter>();
builder.Services.AddSingleton(EmbeddingChannel.Read(runtime.Reader));
if (!gateway.RunsAllRoles)
{
    GitLabHealthOverBus.Register(builder.Services);
}

builder.Services.AddGatewayTelemetry();
builder.Services.AddGatewayApiDocs();

var app = builder.Build();

app.UseRequestIds();
app.UseRequestLogging();
app.UseContractErrors();
app.UseRequestBounds();
app.UseAuthentication();
app.UseAuthorization();

app.MapIdentity();
app.MapGitLabOAuth();
app.MapOrganisations();
app.MapWebhookIngress();
app.MapWebhookDeliveries();
app.MapOperations();
app.MapPipelines();
app.MapBacklog();
app.MapForOrganisations(work => work.MapPipelines().MapBacklog().MapMergeQueue().MapReviews());
app.MapMergeQueue();
app.MapReviews();
app.MapSagaInspection();
app.MapGitLabBusHealth();
app.MapGatewayMetrics();
app.MapGatewayApiDocs();
app.MapLandingPage(runtime, gateway.RunsAllRoles, gitlab.UsesSimulator);

Banner.ShowOnStart(app, runtime, gateway, gitlab);
await app.RunAsync();
return 0;

/// <summary>The gateway's entry point, visible to <c>WebApplicationFactory</c> in tests.</summary>
public partial class Program;

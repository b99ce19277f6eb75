using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Runtime.Hosting;
using GitLabBus.Sagas;
using Microsoft.AspNetCore.Builder;

namespace GitLabBus.Tests.Integration.Hosting;

public sealed class When_the_role_hosts_start_on_real_infrastructure : IAsyncLifetime
{
    private readonly RealInfrastructure _infrastructure = new();

    public Task InitializeAsync() => _infrastructure.InitializeAsync();

    public Task DisposeAsync() => _infrastructure.DisposeAsync();

    [Fact]
    public async Task Should_serve_health_for_both_hosts_with_bus_and_redis_ready()
    {
        await using var consumers = await _infrastructure.StartConsumersHostAsync();
        await using var sagas = RoleHost.Build(
            [$"--RABBITMQ_URL={_infrastructure.RabbitMqUrl}", $"--REDIS_URL={_infrastructure.RedisUrl}", "--urls=http://127.0.0.1:0"],
            SagasRole.Name,
            "http://127.0.0.1:0",
            (services, settings) => services.AddSagasRole(settings)
        );
        await sagas.StartAsync();
        await RunningHosts.WaitHealthyAsync(sagas.Services);

        foreach (var host in new WebApplication[] { consumers, sagas })
        {
            using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };
            var ready = await http.GetFromJsonAsync<JsonElement>("/health/ready");
            var checks = ready.GetProperty("checks");

            Assert.Equal("healthy", ready.GetProperty("status").GetString());
            Assert.Equal("healthy", checks.GetProperty("redis").GetProperty("status").GetString());
            Assert.Equal("healthy", checks.GetProperty("masstransit-bus").GetProperty("status").GetString());
        }

        await sagas.StopAsync();
        await consumers.StopAsync();
    }
}

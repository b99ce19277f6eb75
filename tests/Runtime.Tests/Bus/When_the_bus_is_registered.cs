using GitLabBus.Runtime.Bus;
using GitLabBus.Runtime.Settings;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GitLabBus.Tests.Runtime.Bus;

/// <summary>What every host's bus is registered with, beyond its endpoints.</summary>
public sealed class When_the_bus_is_registered
{
    [Fact]
    public void Should_report_no_usage_to_masstransits_telemetry_host()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddGitLabBus(RuntimeSettings.Read(new ConfigurationBuilder().Build()).Bus);

        using var provider = services.BuildServiceProvider();

        Assert.False(provider.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }
}

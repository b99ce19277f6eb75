using System.Net.Http.Json;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Health;
using GitLabBus.Tests.TestSupport;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GitLabBus.Tests.Gateway.Health;

/// <summary>
/// <c>/health/gitlab</c> on a gateway in front of separate consumers: the gateway never calls GitLab, it asks the consumers
/// over the bus what they see.
/// </summary>
public sealed class When_gitlab_health_is_asked_of_the_consumers : IAsyncLifetime
{
    private ConsumersAgainstSimulator _consumers = null!;

    public async Task InitializeAsync() => _consumers = await ConsumersAgainstSimulator.StartAsync(_ => { });

    public async Task DisposeAsync() => await _consumers.DisposeAsync();

    [Fact]
    public async Task Should_be_healthy_when_gitlab_answers_the_consumers()
    {
        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.StartsWith("GitLab ", result.Description, StringComparison.Ordinal);
        Assert.EndsWith("(as the consumers see it)", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_be_unhealthy_with_the_consumers_reason_when_gitlab_fails_them()
    {
        using var fault = await _consumers.GitLab.PostAsJsonAsync(
            "/_sim/faults",
            new
            {
                status = 503,
                count = 50,
                path_prefix = "/api/v4/version",
            }
        );

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("Server", result.Description, StringComparison.Ordinal);
    }

    private Task<HealthCheckResult> CheckAsync() =>
        new GitLabHealthOverBus(_consumers.Harness.GetRequestClient<GitLabHealthQuery>()).CheckHealthAsync(new HealthCheckContext());
}

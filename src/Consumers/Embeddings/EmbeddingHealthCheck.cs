using GitLabBus.Runtime.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GitLabBus.Consumers.Embeddings;

/// <summary>
/// <c>/health/embeddings</c>: whether the provider embeds a word. A remote provider is asked at most once a minute
/// (each call is billed); the local one always answers.
/// </summary>
public sealed class EmbeddingHealthCheck(IEmbeddingProvider provider, TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan Reuse = TimeSpan.FromMinutes(1);
    private (DateTimeOffset At, HealthCheckResult Result)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_last is { } last && time.GetUtcNow() - last.At < Reuse)
        {
            return last.Result;
        }

        HealthCheckResult result;
        try
        {
            var vectors = await provider.EmbedAsync(["health"], cancellationToken);
            result = HealthCheckResult.Healthy($"{provider.Name} provider answers ({vectors[0].Length} dimensions)");
        }
        catch (EmbeddingUnavailableException unavailable)
        {
            result = new HealthCheckResult(context.Registration.FailureStatus, unavailable.Message);
        }

        _last = (time.GetUtcNow(), result);
        return result;
    }

    public static void Register(IHealthChecksBuilder health) =>
        health.AddCheck<EmbeddingHealthCheck>("embeddings", timeout: TimeSpan.FromSeconds(15), tags: [HealthEndpoints.EmbeddingsTag]);
}

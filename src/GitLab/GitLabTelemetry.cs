using System.Diagnostics.Metrics;

namespace GitLabBus.GitLab;

/// <summary>
/// What the client tells operators: <c>gitlab_errors_total</c> by kind and status (each failed call once, after its
/// retries), and <c>gitlab_rate_limit_remaining</c>, GitLab's <c>RateLimit-Remaining</c> on the latest answer.
/// Meter <see cref="MeterName"/>.
/// </summary>
public sealed class GitLabTelemetry
{
    public const string MeterName = "GitLabBus.GitLab";

    private readonly Counter<long> _errors;
    private long _rateLimitRemaining = -1;

    public GitLabTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _errors = meter.CreateCounter<long>("gitlab_errors", description: "GitLab calls that failed after their retries, by error kind");
        meter.CreateObservableGauge(
            "gitlab_rate_limit_remaining",
            ObserveRateLimit,
            description: "RateLimit-Remaining on GitLab's latest answer"
        );
    }

    public void Failed(GitLabException error) =>
        _errors.Add(
            1,
            new KeyValuePair<string, object?>("kind", error.Kind.ToString().ToLowerInvariant()),
            new KeyValuePair<string, object?>("status", error.Status is { } status ? (int)status : 0)
        );

    public void Answered(HttpResponseMessage response)
    {
        if (
            response.Headers.TryGetValues("RateLimit-Remaining", out var values)
            && long.TryParse(values.FirstOrDefault(), out var remaining)
        )
        {
            Interlocked.Exchange(ref _rateLimitRemaining, remaining);
        }
    }

    private IEnumerable<Measurement<long>> ObserveRateLimit()
    {
        var remaining = Interlocked.Read(ref _rateLimitRemaining);
        return remaining < 0 ? [] : [new Measurement<long>(remaining)];
    }
}

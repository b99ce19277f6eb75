using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace GitLabBus.GitLab.Http;

/// <summary>
/// The gitlab-pipelines contract's retry table as one Polly pipeline around every attempt: 429 retried up to
/// <see cref="GitLabClientOptions.RateLimitRetries"/> times after GitLab's <c>Retry-After</c> (or <c>RateLimit-Reset</c>);
/// 500/502/503/504 and lost connections retried <see cref="GitLabClientOptions.RetryMaxAttempts"/> times with exponential
/// backoff; a timed-out attempt retried only when the method is idempotent; a circuit that opens after
/// <see cref="GitLabClientOptions.CircuitFailures"/> failures in a row; a client-side rate limit per token.
/// </summary>
internal static class GitLabResilience
{
    public static readonly HttpRequestOptionsKey<string> Partition = new("gitlab.partition");

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, GitLabClientOptions options, TimeProvider time)
    {
        pipeline.AddRetry(
            new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, Math.Max(options.RateLimitRetries, options.RetryMaxAttempts)),
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.AttemptNumber, args.Context, options, time)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(DelayFor(args.Outcome, args.AttemptNumber, options, time)),
                UseJitter = false,
            }
        );

        pipeline.AddCircuitBreaker(
            new HttpCircuitBreakerStrategyOptions
            {
                // Polly's breaker counts a failure ratio over a window; a ratio of 1 over a minimum of N calls is "N failures in a row".
                FailureRatio = 1.0,
                MinimumThroughput = Math.Max(2, options.CircuitFailures),
                SamplingDuration = TimeSpan.FromSeconds(Math.Max(0.5, options.CircuitBreakDuration.TotalSeconds)),
                BreakDuration = options.CircuitBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsUnavailable(args.Outcome)),
            }
        );

        if (options.RequestsPerSecond > 0)
        {
            var limiter = PerTokenLimiter(options.RequestsPerSecond);
            pipeline.AddRateLimiter(
                new HttpRateLimiterStrategyOptions
                {
                    RateLimiter = args => limiter.AcquireAsync(PartitionOf(args.Context), 1, args.Context.CancellationToken),
                }
            );
        }

        pipeline.AddTimeout(options.AttemptTimeout);
    }

    private static PartitionedRateLimiter<string> PerTokenLimiter(int perSecond) =>
        PartitionedRateLimiter.Create<string, string>(partition =>
            RateLimitPartition.GetTokenBucketLimiter(
                partition,
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perSecond,
                    TokensPerPeriod = perSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = int.MaxValue,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    AutoReplenishment = true,
                }
            )
        );

    private static string PartitionOf(ResilienceContext context) =>
        context.GetRequestMessage()?.Options.TryGetValue(Partition, out var partition) == true ? partition : "";

    private static bool ShouldRetry(
        Outcome<HttpResponseMessage> outcome,
        int attempt,
        ResilienceContext context,
        GitLabClientOptions options,
        TimeProvider time
    )
    {
        if (outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } limited)
        {
            return attempt < options.RateLimitRetries && (RetryAfter(limited, time) is not { } wait || wait <= options.MaxRetryAfter);
        }

        if (attempt >= options.RetryMaxAttempts)
        {
            return false;
        }

        return outcome switch
        {
            { Result: { } response } => IsTransient(response.StatusCode),
            { Exception: TimeoutRejectedException } => IsIdempotent(context.GetRequestMessage()?.Method),
            { Exception: HttpRequestException { InnerException: OutboundAddressRefusedException } } => false,
            { Exception: HttpRequestException } => true,
            _ => false,
        };
    }

    private static TimeSpan DelayFor(Outcome<HttpResponseMessage> outcome, int attempt, GitLabClientOptions options, TimeProvider time) =>
        outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } limited && RetryAfter(limited, time) is { } wait
            ? wait
            : TimeSpan.FromSeconds(options.RetryBackoffFactor * Math.Pow(2, attempt));

    /// <summary><c>Retry-After</c> (seconds or a date), else the time left until <c>RateLimit-Reset</c> (Unix seconds).</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            return retryAfter.Delta ?? (retryAfter.Date is { } date ? Max0(date - time.GetUtcNow()) : null);
        }

        return response.Headers.TryGetValues("RateLimit-Reset", out var values) && long.TryParse(values.FirstOrDefault(), out var reset)
            ? Max0(DateTimeOffset.FromUnixTimeSeconds(reset) - time.GetUtcNow())
            : null;
    }

    private static TimeSpan Max0(TimeSpan span) => span < TimeSpan.Zero ? TimeSpan.Zero : span;

    private static bool IsTransient(HttpStatusCode status) =>
        status
            is HttpStatusCode.InternalServerError
                or HttpStatusCode.BadGateway
                or HttpStatusCode.ServiceUnavailable
                or HttpStatusCode.GatewayTimeout;

    private static bool IsUnavailable(Outcome<HttpResponseMessage> outcome) =>
        outcome switch
        {
            { Result: { } response } => (int)response.StatusCode >= 500,
            { Exception: HttpRequestException { InnerException: OutboundAddressRefusedException } } => false,
            { Exception: HttpRequestException or TimeoutRejectedException } => true,
            _ => false,
        };

    private static bool IsIdempotent(HttpMethod? method) =>
        method == HttpMethod.Get
        || method == HttpMethod.Head
        || method == HttpMethod.Put
        || method == HttpMethod.Delete
        || method == HttpMethod.Options;
}

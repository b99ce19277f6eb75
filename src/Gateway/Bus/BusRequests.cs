using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Errors;
using MassTransit;

namespace GitLabBus.Gateway.Bus;

/// <summary>
/// Asks the consumers or the sagas over the bus (the gateway never calls GitLab and holds no capability's state) and
/// turns their answer into HTTP: the answer, or the refusal as the contract's error with <c>gitlab_status</c>; no answer
/// in time is a 503.
/// </summary>
public sealed class BusRequests(IClientFactory clients, ILogger<BusRequests> logger)
{
    /// <summary>How long a caller waits for an answer (GitLab's own retries included) before a 503.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>GitLab's resource as a JSON value, or the error to answer with.</summary>
    public async Task<(JsonElement? Body, IResult? Error)> GetAsync<TRequest>(TRequest request, CancellationToken cancellationToken)
        where TRequest : class
    {
        var (answer, error) = await AskAsync<TRequest, GitLabResource>(request, cancellationToken);
        return (answer?.Body, error);
    }

    public async Task<IResult> AnswerAsync<TRequest>(TRequest request, CancellationToken cancellationToken)
        where TRequest : class
    {
        var (body, error) = await GetAsync(request, cancellationToken);
        return error ?? Results.Json(body);
    }

    public async Task<(TAnswer? Answer, IResult? Error)> AskAsync<TRequest, TAnswer>(TRequest request, CancellationToken cancellationToken)
        where TRequest : class
        where TAnswer : class
    {
        var (answer, refused) = await TryAskAsync<TRequest, TAnswer>(request, cancellationToken);
        return (answer, refused is null ? null : ApiError.Refused(refused));
    }

    /// <summary>The answer, or why there is none: the refusal, or <c>gitlab_unavailable</c> when no one answered within
    /// <paramref name="timeout"/>.</summary>
    public async Task<(TAnswer? Answer, RequestRefused? Refused)> TryAskAsync<TRequest, TAnswer>(
        TRequest request,
        CancellationToken cancellationToken,
        TimeSpan? timeout = null
    )
        where TRequest : class
        where TAnswer : class
    {
        var wait = timeout ?? Timeout;
        var client = clients.CreateRequestClient<TRequest>(RequestTimeout.After(ms: (int)wait.TotalMilliseconds));
        try
        {
            var response = await client.GetResponse<TAnswer, RequestRefused>(request, cancellationToken);
            return response.Is(out Response<TAnswer>? answer) ? (answer.Message, null) : (null, Refusal(response));
        }
        catch (RequestTimeoutException)
        {
            return (null, NoAnswer<TRequest>(wait));
        }
    }

    /// <summary>For requests with two kinds of answer beside a refusal; exactly one of the three is set.</summary>
    public async Task<(TFirst? First, TSecond? Second, IResult? Error)> AskAsync<TRequest, TFirst, TSecond>(
        TRequest request,
        CancellationToken cancellationToken
    )
        where TRequest : class
        where TFirst : class
        where TSecond : class
    {
        var client = clients.CreateRequestClient<TRequest>(RequestTimeout.After(s: (int)Timeout.TotalSeconds));
        try
        {
            var answer = await client.GetResponse<TFirst, TSecond, RequestRefused>(request, cancellationToken);
            return answer.Is(out Response<TFirst>? one) ? (one.Message, null, null)
                : answer.Is(out Response<TSecond>? two) ? (null, two.Message, null)
                : (null, null, ApiError.Refused(answer.Is(out Response<RequestRefused>? refused) ? refused.Message : Unexpected));
        }
        catch (RequestTimeoutException)
        {
            return (null, null, ApiError.Refused(NoAnswer<TRequest>(Timeout)));
        }
    }

    private static readonly RequestRefused Unexpected = new(ErrorCodes.Internal, "unexpected answer on the bus", null);

    private static RequestRefused Refusal<TAnswer>(Response<TAnswer, RequestRefused> response)
        where TAnswer : class => response.Is(out Response<RequestRefused>? refused) ? refused.Message : Unexpected;

    private RequestRefused NoAnswer<TRequest>(TimeSpan wait)
    {
        logger.LogWarning("No answer to {Request} within {Timeout}: are the consumers and sagas running?", typeof(TRequest).Name, wait);
        return new RequestRefused(
            ErrorCodes.GitLabUnavailable,
            $"no answer from the consumers within {wait.TotalSeconds:0} s; retry later",
            null
        );
    }
}

using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Gateway.Errors;
using MassTransit;

namespace GitLabBus.Gateway.Bus;

/// <summary>
/// Asks the pipelines consumers over the bus (the gateway never calls GitLab) and turns their answer into HTTP:
/// GitLab's resource, or GitLab's refusal as the contract's error with <c>gitlab_status</c>.
/// </summary>
public sealed class GitLabRequests(IClientFactory clients, ILogger<GitLabRequests> logger)
{
    /// <summary>How long a caller waits for the consumers (GitLab's own retries included) before a 503.</summary>
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
        var client = clients.CreateRequestClient<TRequest>(RequestTimeout.After(s: (int)Timeout.TotalSeconds));
        try
        {
            var response = await client.GetResponse<TAnswer, GitLabRequestRefused>(request, cancellationToken);
            if (response.Is(out Response<TAnswer>? answer))
            {
                return (answer.Message, null);
            }

            response.Is(out Response<GitLabRequestRefused>? refused);
            return (null, Refusal(refused!.Message));
        }
        catch (RequestTimeoutException)
        {
            logger.LogWarning("No answer to {Request} within {Timeout}: are the consumers running?", typeof(TRequest).Name, Timeout);
            return (null, ApiError.Result(StatusCodes.Status503ServiceUnavailable, "gitlab_unavailable",
                $"no answer from the pipelines consumers within {Timeout.TotalSeconds:0} s; retry later"));
        }
    }

    private static IResult Refusal(GitLabRequestRefused refused)
    {
        var status = refused.Code switch
        {
            "invalid_request" => 400,
            "unauthorized" => 401,
            "forbidden" => 403,
            "not_found" => 404,
            "conflict" => 409,
            "rate_limited" => 429,
            _ => 503,
        };
        return Results.Json(new ErrorBody(new ErrorDetail(refused.Code, refused.Message, refused.GitLabStatus)), statusCode: status);
    }
}

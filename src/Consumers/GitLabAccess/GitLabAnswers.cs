using GitLabBus.Contracts;
using GitLabBus.GitLab;
using MassTransit;

namespace GitLabBus.Consumers.GitLabAccess;

/// <summary>How the consumers answer the gateway's bus requests: with what GitLab gave, or with its refusal, never silence.</summary>
public static class GitLabAnswers
{
    /// <summary>
    /// Runs <paramref name="answer"/> with a client acting as the request's caller and responds with its result; a failure of
    /// GitLab's (or an expired caller token) is answered as <see cref="RequestRefused"/> after <paramref name="refused"/> saw it.
    /// </summary>
    public static Task AnswerAsync<T>(
        this ConsumeContext<T> context,
        GitLabClients gitlab,
        string? credentialRef,
        Func<GitLabClient, Task<object>> answer,
        Action<RequestRefused>? refused = null
    )
        where T : class => context.AnswerAsync(gitlab, orgId: null, credentialRef, answer, refused);

    /// <summary>As the other, at <paramref name="orgId"/>'s GitLab when the request names an organisation.</summary>
    public static async Task AnswerAsync<T>(
        this ConsumeContext<T> context,
        GitLabClients gitlab,
        string? orgId,
        string? credentialRef,
        Func<GitLabClient, Task<object>> answer,
        Action<RequestRefused>? refused = null
    )
        where T : class
    {
        object response;
        try
        {
            response = await answer(await gitlab.ForAsync(orgId, credentialRef, context.CancellationToken));
        }
        catch (Exception failure) when (GitLabFailures.IsAnswerable(failure))
        {
            var refusal = GitLabFailures.Refusal(failure);
            refused?.Invoke(refusal);
            response = refusal;
        }

        await context.RespondAsync(response, response.GetType());
    }
}

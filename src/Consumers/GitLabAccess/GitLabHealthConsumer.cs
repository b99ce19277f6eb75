using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Consumers.GitLabAccess;

/// <summary>Answers a gateway's <c>/health/gitlab</c>: the gateway never calls GitLab, so it asks the consumers what they see.</summary>
public sealed class GitLabHealthConsumer(GitLabHealthCheck check) : IConsumer<GitLabHealthQuery>
{
    public async Task Consume(ConsumeContext<GitLabHealthQuery> context) =>
        await context.RespondAsync(await check.ReportAsync(context.CancellationToken));
}

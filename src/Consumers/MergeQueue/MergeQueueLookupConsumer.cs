using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Consumers.MergeQueue;

/// <summary>The merge request a REST command of the queue is about, read with the caller's token (GitLab's 404 becomes ours).</summary>
public sealed class MergeQueueLookupConsumer(GitLabClients gitlab) : IConsumer<MergeQueueMergeRequestQuery>
{
    public Task Consume(ConsumeContext<MergeQueueMergeRequestQuery> context) =>
        context.AnswerAsync(
            gitlab,
            context.Message.OrgId,
            context.Message.CredentialRef,
            async client =>
            {
                var query = context.Message;
                var mr = await client.GetMergeRequestAsync(query.ProjectId, query.MergeRequestIid, false, context.CancellationToken);
                return new MergeQueueMergeRequest(query.ProjectId, mr.Iid, mr.TargetBranch, mr.State, mr.Title);
            }
        );
}

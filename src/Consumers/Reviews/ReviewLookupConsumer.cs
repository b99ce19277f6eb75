using GitLabBus.Consumers.GitLabAccess;
using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Consumers.Reviews;

/// <summary>The latest review of a merge request for <c>GET .../review</c>: from the review store, 404 before the first.</summary>
public sealed class ReviewLookupConsumer(IReviewStore store) : IConsumer<ReviewQuery>
{
    public async Task Consume(ConsumeContext<ReviewQuery> context)
    {
        var query = context.Message;
        if (
            await store.LatestAsync(new ScopedProject(query.OrgId, query.ProjectId), query.MergeRequestIid, context.CancellationToken) is
            { } review
        )
        {
            await context.RespondAsync(review);
            return;
        }

        await context.RespondAsync(
            new RequestRefused(ErrorCodes.NotFound, $"merge request !{query.MergeRequestIid} has not been reviewed yet", null)
        );
    }
}

using GitLabBus.Contracts;
using MassTransit;

namespace GitLabBus.Consumers.Identity;

/// <summary>
/// An organisation's issue or merge request hook refreshes every link of that organisation to the item, from the hook's own
/// payload (no GitLab call): a link follows its item within one delivery. It takes what the router passes on for
/// organisations only: consuming every <see cref="WebhookReceived"/> to look for them had halved the router's rate.
/// </summary>
public sealed class TaskLinkHookConsumer(ITaskLinkStore links, TimeProvider time, ILogger<TaskLinkHookConsumer> logger)
    : IConsumer<OrgWebhookReceived>
{
    public async Task Consume(ConsumeContext<OrgWebhookReceived> context)
    {
        var delivery = context.Message;
        var orgId = delivery.OrgId;
        if (TaskLinkMetadata.ItemOf(delivery.Payload) is not { } item)
        {
            return;
        }

        var linked = await links.ForItemAsync(orgId, item.Kind, item.ProjectPath, item.Iid, context.CancellationToken);
        foreach (var link in linked)
        {
            await links.UpdateAsync(TaskLinkMetadata.FromHook(link, delivery.Payload, time.GetUtcNow()), context.CancellationToken);
        }

        if (linked.Count > 0)
        {
            logger.LogInformation(
                "Delivery {DeliveryId} refreshed {Count} link(s) of organisation {OrgId} to {Kind} {ProjectPath}#{Iid}",
                delivery.DeliveryId,
                linked.Count,
                orgId,
                item.Kind,
                item.ProjectPath,
                item.Iid
            );
        }
    }
}

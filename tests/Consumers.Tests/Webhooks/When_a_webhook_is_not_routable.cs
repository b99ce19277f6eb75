using System.Text.Json;
using GitLabBus.Consumers.Webhooks;
using GitLabBus.Contracts;
using GitLabBus.Runtime.Bus;

namespace GitLabBus.Tests.Consumers.Webhooks;

public sealed class When_a_webhook_is_not_routable
{
    private static WebhookReceived Webhook(string eventName, string payload) =>
        new()
        {
            DeliveryId = Guid.NewGuid(),
            EventName = eventName,
            Payload = JsonSerializer.Deserialize<JsonElement>(payload),
        };

    [Theory]
    [InlineData("Deployment Hook", """{"object_kind":"deployment"}""")]
    [InlineData("Wiki Page Hook", """{"object_kind":"wiki_page"}""")]
    [InlineData("", """{"object_kind":"something_new"}""")]
    public void Should_route_an_unknown_kind_nowhere(string eventName, string payload)
    {
        Assert.Null(WebhookRouter.Route(Webhook(eventName, payload)));
    }

    [Theory]
    [InlineData("Merge Request Hook", """{"project":{"id":1}}""", "object_attributes")]
    [InlineData("Pipeline Hook", """{"project":{"id":1},"object_attributes":{"status":"running"}}""", "object_attributes.id")]
    [InlineData("Push Hook", """{"ref":"refs/heads/main"}""", "no project")]
    [InlineData("Job Hook", """{"project_id":1,"pipeline_id":2,"build_status":"running"}""", "build_id")]
    public void Should_reject_a_payload_missing_what_its_kind_requires(string eventName, string payload, string reason)
    {
        var failure = Assert.Throws<InvalidMessageException>(() => WebhookRouter.Route(Webhook(eventName, payload)));

        Assert.Contains(reason, failure.Message);
    }

    [Fact]
    public void Should_reject_a_payload_that_is_not_an_object()
    {
        Assert.Throws<InvalidMessageException>(() => WebhookRouter.Route(Webhook("Push Hook", "[1,2]")));
    }

    [Fact]
    public void Should_accept_ids_sent_as_strings()
    {
        var push = Assert.IsType<PushReceived>(
            WebhookRouter.Route(Webhook("Push Hook", """{"ref":"refs/heads/main","project_id":"42"}"""))
        );

        Assert.Equal(42, push.ProjectId);
    }
}

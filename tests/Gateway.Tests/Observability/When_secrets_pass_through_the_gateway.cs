using System.Net.Http.Headers;
using GitLabBus.Gateway.Auth;
using GitLabBus.Tests.TestSupport.Gateway;

namespace GitLabBus.Tests.Gateway.Observability;

/// <summary>Secrets reach the gateway in headers; none may reach a log line, a message or an error body.</summary>
[Collection(GatewayCollection.Name)]
public sealed class When_secrets_pass_through_the_gateway : IClassFixture<GatewayFactory>
{
    private readonly GatewayFactory _gateway;

    public When_secrets_pass_through_the_gateway(GatewayFactory gateway) => _gateway = gateway;

    [Fact]
    public async Task Should_keep_them_out_of_logs_messages_and_answers()
    {
        var client = _gateway.CreateRecordingClient();
        var adminToken = _gateway.TokenFor(Roles.Admin);
        const string wrongSecret = "wrong-secret-that-must-not-be-logged";
        var answers = new List<string>();

        var accepted = await client.SendAsync(GitLabDelivery.Fixture("push.json", "Push Hook"));
        answers.Add(await accepted.Content.ReadAsStringAsync());
        answers.Add(await (await client.SendAsync(GitLabDelivery.Request("{}", token: wrongSecret))).Content.ReadAsStringAsync());
        answers.Add(await (await client.SendAsync(GitLabDelivery.Request("{", eventName: "Push Hook"))).Content.ReadAsStringAsync());
        var admin = _gateway.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        var deliveryId = await accepted.DeliveryIdAsync();
        answers.Add(await (await admin.GetAsync($"/webhooks/deliveries/{deliveryId}")).Content.ReadAsStringAsync());
        answers.Add(await (await admin.PostAsync($"/webhooks/deliveries/{deliveryId}/replay", null)).Content.ReadAsStringAsync());
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken + "tampered");
        answers.Add(await (await admin.GetAsync("/webhooks/deliveries")).Content.ReadAsStringAsync());
        await GitLabDelivery.EventuallyAsync(() =>
            Task.FromResult(_gateway.Logs.Events.Count(e => e.MessageTemplate.Text.Contains("routed as")) >= 2)
        );

        var logs = _gateway.Logs.AllText;
        var messages = string.Join('\n', _gateway.Published.Select(p => System.Text.Json.JsonSerializer.Serialize(p.Message)));
        Assert.NotEmpty(_gateway.Logs.Events);
        foreach (var secret in new[] { GatewayFactory.WebhookSecret, wrongSecret, adminToken, GatewayFactory.JwtSecret })
        {
            Assert.DoesNotContain(secret, logs);
            Assert.DoesNotContain(secret, messages);
            Assert.All(answers, answer => Assert.DoesNotContain(secret, answer));
        }
    }
}

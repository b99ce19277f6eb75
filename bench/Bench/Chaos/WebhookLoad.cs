using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace GitLabBus.Bench.Chaos;

/// <summary>
/// A steady stream of push webhooks to the gateway, each retried as GitLab retries (same <c>Idempotency-Key</c>, a second
/// later) until it is accepted; every answer is kept with its time, and every accepted delivery is watched in the delivery
/// log until the router has routed it.
/// </summary>
public sealed class WebhookLoad(HttpClient gateway, int perSecond)
{
    /// <summary>Past this, an answer or a routing counts as the service not being normal yet.</summary>
    public static readonly TimeSpan Normal = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(90);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentBag<Answer> _answers = [];
    private readonly ConcurrentDictionary<string, Delivery> _deliveries = new();
    private readonly List<Task> _webhooks = [];

    /// <summary>One HTTP answer (or none: <paramref name="Status"/> 0) to one attempt.</summary>
    public sealed record Answer(int Status, TimeSpan SentAt, TimeSpan AnsweredAt);

    /// <summary>An accepted webhook: when its delivery was accepted and when it was first seen routed.</summary>
    public sealed class Delivery(TimeSpan acceptedAt)
    {
        public TimeSpan AcceptedAt { get; } = acceptedAt;

        public TimeSpan? RoutedSeenAt { get; set; }
    }

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyCollection<Answer> Answers => _answers;

    public IReadOnlyDictionary<string, Delivery> Deliveries => _deliveries;

    /// <summary>Webhooks that were never accepted within the retry window.</summary>
    public int GivenUp => _givenUp;

    private int _givenUp;

    /// <summary>Offers <c>perSecond</c> webhooks a second until <paramref name="stop"/>, each retried in the background.</summary>
    public async Task OfferAsync(CancellationToken stop)
    {
        var interval = TimeSpan.FromSeconds(1.0 / perSecond);
        var next = Now;
        while (!stop.IsCancellationRequested)
        {
            _webhooks.Add(SendUntilAcceptedAsync(Guid.NewGuid().ToString()));
            next += interval;
            var wait = next - Now;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, CancellationToken.None);
            }
        }
    }

    /// <summary>Waits for every offered webhook to be accepted or given up.</summary>
    public Task SettledAsync() => Task.WhenAll(_webhooks);

    /// <summary>Reads the delivery log for accepted deliveries not yet routed, until all are or <paramref name="stop"/>.</summary>
    public async Task WatchRoutingAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var pending = _deliveries.Where(pair => pair.Value.RoutedSeenAt is null).ToList();
            await Parallel.ForEachAsync(
                pending,
                new ParallelOptions { MaxDegreeOfParallelism = 16 },
                async (pair, _) =>
                {
                    if (await RoutedAsync(pair.Key))
                    {
                        pair.Value.RoutedSeenAt = Now;
                    }
                }
            );
            await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
        }
    }

    public bool AllRouted => _deliveries.Values.All(delivery => delivery.RoutedSeenAt is not null);

    private async Task SendUntilAcceptedAsync(string key)
    {
        var started = Now;
        var body = Encoding.UTF8.GetBytes(Payload(key));
        while (Now - started < GiveUpAfter)
        {
            var sentAt = Now;
            var (status, deliveryId) = await SendAsync(key, body);
            _answers.Add(new Answer(status, sentAt, Now));
            if (deliveryId is not null)
            {
                _deliveries.TryAdd(deliveryId, new Delivery(Now));
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Interlocked.Increment(ref _givenUp);
    }

    private async Task<(int Status, string? DeliveryId)> SendAsync(string key, byte[] body)
    {
        using var request = BenchDeployment.PushHookRequest(body, key);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await gateway.SendAsync(request, timeout.Token);
            if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
            {
                var answer = await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
                return ((int)response.StatusCode, answer.GetProperty("delivery_id").GetString());
            }

            return ((int)response.StatusCode, null);
        }
        catch (Exception failure) when (failure is HttpRequestException or OperationCanceledException)
        {
            return (0, null);
        }
    }

    private async Task<bool> RoutedAsync(string deliveryId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var response = await gateway.GetAsync($"/webhooks/deliveries/{deliveryId}", timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            var delivery = await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
            return delivery.TryGetProperty("routed_to", out var routed) && routed.ValueKind == JsonValueKind.Array;
        }
        catch (Exception failure) when (failure is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>A push to a branch nothing else watches, so the load costs routing and nothing more.</summary>
    private static string Payload(string key) =>
        $$"""
            {"object_kind":"push","event_name":"push","before":"95790bf891e76fee5e1747ab589903a6a1f80f22","after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","ref":"refs/heads/chaos-load","checkout_sha":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","user_id":4,"user_name":"Chaos","user_username":"chaos","project_id":1,"project":{"id":1,"name":"Shop","web_url":"https://gitlab.example.com/demo/shop","path_with_namespace":"demo/shop","default_branch":"main"},"commits":[{"id":"{{key}}","message":"chaos load","title":"chaos load","timestamp":"2026-12-03T10:00:00+00:00","url":"https://gitlab.example.com/demo/shop/-/commit/1","author":{"name":"Chaos","email":"chaos@example.com"},"added":[],"modified":["README.md"],"removed":[]}],"total_commits_count":1}
            """;
}

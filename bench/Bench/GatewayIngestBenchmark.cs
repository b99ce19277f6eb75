using System.Diagnostics;
using System.Net;
using System.Text;

namespace GitLabBus.Bench;

/// <summary>
/// GitLab deliveries through the real gateway process (auth, Redis dedup, confirmed mandatory publish)
/// while a real consumers process routes them: the accept rate under load, then the accept latency at a
/// fixed offered rate (measured from each request's scheduled time, so a stall is not hidden).
/// </summary>
public sealed class GatewayIngestBenchmark(BenchSettings settings)
{
    private const int GatewayPort = 18080;
    private const int ConsumersPort = 18081;

    public sealed record Result(
        double AcceptedPerSecond,
        double AcceptedAlonePerSecond,
        double RoutedPerSecond,
        int Refused,
        double P50Ms,
        double P99Ms,
        double MaxMs,
        int LatencySamples,
        long GatewayPeakBytes,
        CpuPerWebhook RoutingCpu
    );

    /// <summary>CPU microseconds per routed webhook while the router drains its backlog: the consumers process, the gateway
    /// (which keeps the delivery log) and everything else on the machine (the broker, Redis).</summary>
    public sealed record CpuPerWebhook(double RouterUs, double GatewayUs, double RestUs);

    public async Task<Result> RunAsync()
    {
        var environment = new Dictionary<string, string>
        {
            ["RABBITMQ_URL"] = settings.RabbitMqUrl,
            ["REDIS_URL"] = $"redis://{settings.RedisEndpoint}/9",
            ["GITLAB_WEBHOOK_SECRET"] = BenchDeployment.Secret,
            ["LOCAL_JWT_SECRET"] = "bench-jwt-secret-0123456789abcdef0123456789",
            ["LOG_LEVEL"] = Environment.GetEnvironmentVariable("BENCH_LOG_LEVEL") ?? "Information",
        };
        var consumers = await HostProcess.StartAsync(
            "GitLabBus.Consumers.dll",
            $"http://127.0.0.1:{ConsumersPort}/health/ready",
            new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ConsumersPort}" }
        );
        await using var gateway = await HostProcess.StartAsync(
            "GitLabBus.Gateway.dll",
            $"http://127.0.0.1:{GatewayPort}/health/ready",
            new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{GatewayPort}" }
        );

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.HttpConcurrency })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{GatewayPort}"),
        };
        var body = Encoding.UTF8.GetBytes(SamplePushPayload());

        await SendManyAsync(client, body, 1_000, settings.HttpConcurrency);
        await DrainAsync();

        var stopwatch = Stopwatch.StartNew();
        var refused = await SendManyAsync(client, body, settings.Messages, settings.HttpConcurrency);
        stopwatch.Stop();
        var acceptedPerSecond = (settings.Messages - refused) / stopwatch.Elapsed.TotalSeconds;
        await DrainAsync();

        var latencies = await FixedRateAsync(client, body);
        latencies.Sort();
        await DrainAsync();

        // The same load with the router stopped (its queue stays bound and fills): what ingest alone costs.
        await consumers.DisposeAsync();
        stopwatch.Restart();
        var refusedAlone = await SendManyAsync(client, body, settings.Messages, settings.HttpConcurrency);
        stopwatch.Stop();
        var acceptedAlonePerSecond = (settings.Messages - refusedAlone) / stopwatch.Elapsed.TotalSeconds;

        // Routing alone: a fresh consumers process drains the backlog the previous phase left.
        var backlog = await settings.QueueDepthAsync("webhook-router");
        await using var router = await HostProcess.StartAsync(
            "GitLabBus.Consumers.dll",
            $"http://127.0.0.1:{ConsumersPort}/health/ready",
            new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ConsumersPort}" }
        );
        var (routerBefore, gatewayBefore, machineBefore) = (router.ProcessorTime, gateway.ProcessorTime, HostProcess.MachineBusyTime());
        stopwatch.Restart();
        await DrainAsync();
        stopwatch.Stop();
        var routedPerSecond = backlog / stopwatch.Elapsed.TotalSeconds;
        var routerCpu = router.ProcessorTime - routerBefore;
        var gatewayCpu = gateway.ProcessorTime - gatewayBefore;
        var restCpu = HostProcess.MachineBusyTime() - machineBefore - routerCpu - gatewayCpu;
        var routingCpu = new CpuPerWebhook(
            routerCpu.TotalMicroseconds / backlog,
            gatewayCpu.TotalMicroseconds / backlog,
            restCpu.TotalMicroseconds / backlog
        );

        return new Result(
            acceptedPerSecond,
            acceptedAlonePerSecond,
            routedPerSecond,
            refused + refusedAlone,
            Percentiles.Of(latencies, 0.50),
            Percentiles.Of(latencies, 0.99),
            latencies[^1],
            latencies.Count,
            gateway.PeakWorkingSetBytes,
            routingCpu
        );
    }

    /// <summary>Sends <paramref name="count"/> deliveries with <paramref name="concurrency"/> in flight; returns how many were not
    /// 202.</summary>
    private static async Task<int> SendManyAsync(HttpClient client, byte[] body, int count, int concurrency)
    {
        var refused = 0;
        var next = -1;
        await Task.WhenAll(
            Enumerable
                .Range(0, concurrency)
                .Select(async _ =>
                {
                    while (Interlocked.Increment(ref next) < count)
                    {
                        using var response = await client.SendAsync(Delivery(body));
                        if (response.StatusCode != HttpStatusCode.Accepted)
                        {
                            Interlocked.Increment(ref refused);
                        }
                    }
                })
        );
        return refused;
    }

    private async Task<List<double>> FixedRateAsync(HttpClient client, byte[] body)
    {
        var total = (int)(settings.OfferedRate * settings.LatencyDuration.TotalSeconds);
        var interval = TimeSpan.FromSeconds(1.0 / settings.OfferedRate);
        var latencies = new double[total];
        var clock = Stopwatch.StartNew();
        var requests = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var scheduled = interval * i;
            var wait = scheduled - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var index = i;
            requests.Add(
                Task.Run(async () =>
                {
                    using var response = await client.SendAsync(Delivery(body));
                    latencies[index] = (clock.Elapsed - scheduled).TotalMilliseconds;
                })
            );
        }

        await Task.WhenAll(requests);
        return [.. latencies];
    }

    private async Task DrainAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (await settings.QueueDepthAsync("webhook-router") > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
    }

    private static HttpRequestMessage Delivery(byte[] body) =>
        BenchDeployment.PushHookRequest(body, Guid.NewGuid().ToString(), Guid.NewGuid().ToString());

    /// <summary>A push event of the size GitLab sends for a two-commit push (about 2.5 KB).</summary>
    private static string SamplePushPayload()
    {
        var commits = string.Join(
            ",",
            Enumerable
                .Range(0, 2)
                .Select(i =>
                    $$"""
                        {"id":"{{Guid.NewGuid():N}}{{i:D8}}","message":"Change number {{i}} of the benchmark push\n\nLonger body text that explains the change in a sentence or two.","title":"Change number {{i}}","timestamp":"2026-11-22T10:00:0{{i}}+00:00","url":"https://gitlab.example.com/demo/shop/-/commit/{{i}}","author":{"name":"Bench User","email":"bench@example.com"},"added":["src/file{{i}}.cs"],"modified":["README.md","src/Program.cs"],"removed":[]}
                        """
                )
        );
        return $$"""
            {"object_kind":"push","event_name":"push","before":"95790bf891e76fee5e1747ab589903a6a1f80f22","after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","ref":"refs/heads/main","ref_protected":true,"checkout_sha":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","user_id":4,"user_name":"Bench User","user_username":"bench","user_email":"bench@example.com","project_id":1,"project":{"id":1,"name":"Shop","description":"Demo shop","web_url":"https://gitlab.example.com/demo/shop","git_ssh_url":"git@gitlab.example.com:demo/shop.git","git_http_url":"https://gitlab.example.com/demo/shop.git","namespace":"Demo","visibility_level":0,"path_with_namespace":"demo/shop","default_branch":"main"},"repository":{"name":"Shop","url":"git@gitlab.example.com:demo/shop.git","description":"Demo shop","homepage":"https://gitlab.example.com/demo/shop"},"commits":[{{commits}}],"total_commits_count":2}
            """;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GitLabBus.Contracts;
using GitLabBus.Simulator;
using MassTransit;

namespace GitLabBus.Bench;

/// <summary>
/// Many pipelines monitored at once: a gateway, a consumers host and a sagas host as their own processes on RabbitMQ
/// and Redis, against the GitLab simulator (in this process, on a fast clock, no rate limit) whose project hook
/// delivers to the gateway. Every pipeline is triggered through the gateway; the run ends when every monitor published
/// <see cref="PipelineFinished"/>. Then reads of one pipeline through the gateway, timed.
/// </summary>
public sealed class PipelinesBenchmark(BenchSettings settings)
{
    private const int RedisDatabase = 10;

    public sealed record Result(
        int Pipelines,
        double SecondsToAllFinal,
        double PipelinesPerSecond,
        long SagaMessages,
        double SagaMessagesPerSecond,
        long SagasPeakBytes,
        double GetP50Ms,
        double GetP99Ms,
        int GetSamples,
        int NotSucceeded
    );

    public async Task<Result> RunAsync()
    {
        var simulatorUrl = $"http://127.0.0.1:{18929}";
        await using var simulator = await SimulatorApp.StartAsync(
            new SimulatorOptions
            {
                PublicUrl = simulatorUrl,
                RateLimitPerMinute = int.MaxValue,
                WebhookConcurrency = 16,
            }
        );
        using var admin = new HttpClient { BaseAddress = new Uri(simulatorUrl) };
        (await admin.PostAsJsonAsync("/_sim/clock", new { speed = 50 })).EnsureSuccessStatusCode();

        // Monitors of an earlier run would take this run's pipelines (the simulator numbers them from 1 again) for old ones: the deployment
        // starts on an empty database.
        await using var deployment = await BenchDeployment.StartAsync(settings, simulatorUrl, RedisDatabase);

        admin.DefaultRequestHeaders.Add("PRIVATE-TOKEN", SimulatorOptions.DefaultToken);
        (
            await admin.PostAsJsonAsync(
                "/api/v4/projects/1/hooks",
                new { url = $"http://127.0.0.1:{BenchDeployment.GatewayPort}/webhooks/gitlab", token = BenchDeployment.Secret }
            )
        ).EnsureSuccessStatusCode();

        var finished = new ConcurrentDictionary<long, string>();
        var allFinished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var operations = new ConcurrentDictionary<string, bool>();
        var listener = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(
                settings.RabbitHost,
                (ushort)settings.RabbitPort,
                BenchSettings.VirtualHost,
                host =>
                {
                    host.Username("guest");
                    host.Password("guest");
                }
            );
            cfg.ReceiveEndpoint(
                "bench-pipeline-finished",
                endpoint =>
                {
                    endpoint.Handler<PipelineFinished>(context =>
                    {
                        if (
                            context.Message.OperationId is { } operation
                            && operations.ContainsKey(operation)
                            && finished.TryAdd(context.Message.PipelineId, context.Message.Status)
                            && finished.Count == settings.Pipelines
                        )
                        {
                            allFinished.TrySetResult();
                        }

                        return Task.CompletedTask;
                    });
                }
            );
        });
        await listener.StartAsync();
        try
        {
            using var client = BenchDeployment.CreateClient(settings.HttpConcurrency);

            var clock = Stopwatch.StartNew();
            var next = -1;
            await Task.WhenAll(
                Enumerable
                    .Range(0, Math.Min(settings.HttpConcurrency, 32))
                    .Select(async _ =>
                    {
                        while (Interlocked.Increment(ref next) < settings.Pipelines)
                        {
                            using var response = await client.PostAsJsonAsync("/gitlab/projects/1/pipelines", new { @ref = "main" });
                            response.EnsureSuccessStatusCode();
                            operations[(await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("operation_id").GetString()!] =
                                true;
                        }
                    })
            );
            if (await Task.WhenAny(allFinished.Task, Task.Delay(TimeSpan.FromMinutes(10))) != allFinished.Task)
            {
                throw new TimeoutException($"only {finished.Count} of {settings.Pipelines} pipelines finished within 10 minutes");
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var sagaMessages = await settings.AcknowledgedAsync("pipeline-monitor-state");
            var latencies = await GetLatenciesAsync(client, finished.Keys.ToArray());
            latencies.Sort();
            return new Result(
                settings.Pipelines,
                seconds,
                settings.Pipelines / seconds,
                sagaMessages,
                sagaMessages / seconds,
                deployment.Sagas.PeakWorkingSetBytes,
                Percentiles.Of(latencies, 0.50),
                Percentiles.Of(latencies, 0.99),
                latencies.Count,
                finished.Values.Count(status => status != "success")
            );
        }
        finally
        {
            await listener.StopAsync();
        }
    }

    /// <summary><c>GET</c> of a pipeline through the gateway (a bus request to the consumers, GitLab, the monitor's state in Redis), 8 at a
    /// time.</summary>
    private static async Task<List<double>> GetLatenciesAsync(HttpClient client, long[] pipelines)
    {
        var latencies = new ConcurrentBag<double>();
        var next = -1;
        await Task.WhenAll(
            Enumerable
                .Range(0, 8)
                .Select(async _ =>
                {
                    while (Interlocked.Increment(ref next) is var index && index < 2_000)
                    {
                        var started = Stopwatch.GetTimestamp();
                        using var response = await client.GetAsync($"/gitlab/projects/1/pipelines/{pipelines[index % pipelines.Length]}");
                        response.EnsureSuccessStatusCode();
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                })
        );
        return [.. latencies];
    }
}

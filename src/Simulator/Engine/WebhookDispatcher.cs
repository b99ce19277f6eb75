using System.Text.Json;
using System.Threading.Channels;
using GitLabBus.Simulator.Api;
using GitLabBus.Simulator.State;

namespace GitLabBus.Simulator.Engine;

/// <summary>
/// Delivers hook events as GitLab does: a POST per hook with <c>X-Gitlab-Event</c>, <c>X-Gitlab-Token</c>,
/// <c>X-Gitlab-Event-UUID</c>, <c>X-Gitlab-Webhook-UUID</c>, <c>X-Gitlab-Instance</c> and an <c>Idempotency-Key</c> that
/// stays the same when a failed delivery is retried. With <see cref="SimulatorOptions.WebhookConcurrency"/> 1 (the default)
/// deliveries go out one at a time in the order the changes happened; above 1 several go at once and may arrive out of
/// order, as GitLab's own (queued, concurrent) deliveries do.
/// </summary>
public sealed partial class WebhookDispatcher : BackgroundService
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    private readonly Channel<(SimHook Hook, SimHookEvent Event)> _queue = Channel.CreateUnbounded<(SimHook, SimHookEvent)>(
        new UnboundedChannelOptions { SingleReader = true }
    );
    private readonly SimStore _store;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDispatcher> _logger;
    private int _delivered;
    private int _failed;

    public WebhookDispatcher(SimStore store, IHttpClientFactory http, TimeProvider time, ILogger<WebhookDispatcher> logger)
    {
        _store = store;
        _http = http.CreateClient("simulator-webhooks");
        _time = time;
        _logger = logger;
        store.Emitted += Enqueue;
    }

    /// <summary>Deliveries made so far (for <c>GET /_sim/state</c>).</summary>
    public int Delivered => _delivered;

    public int Failed => _failed;

    // Called under the store's lock: only the hooks are looked up here, the sending happens on the dispatcher's loop.
    private void Enqueue(SimHookEvent hookEvent)
    {
        if (_store.Projects.FirstOrDefault(p => p.Id == hookEvent.ProjectId) is not { } project)
        {
            return;
        }

        var groupHooks = _store.GroupAndAncestors(project.Group).SelectMany(group => group.Hooks);
        foreach (var hook in project.Hooks.Concat(groupHooks).Where(hook => hook.Wants(hookEvent.ObjectKind)))
        {
            _queue.Writer.TryWrite((hook, hookEvent));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Parallel.ForEachAsync(
                _queue.Reader.ReadAllAsync(stoppingToken),
                new ParallelOptions { MaxDegreeOfParallelism = _store.Options.WebhookConcurrency, CancellationToken = stoppingToken },
                (delivery, cancellationToken) => new ValueTask(DeliverAsync(delivery.Hook, delivery.Event, cancellationToken))
            );
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; undelivered events are dropped with the simulator's state.
        }
    }

    private async Task DeliverAsync(SimHook hook, SimHookEvent hookEvent, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(hookEvent.Payload);
        var idempotencyKey = Guid.NewGuid().ToString();
        var eventUuid = Guid.NewGuid().ToString();
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url)
            {
                Content = new StringContent(body, System.Text.Encoding.UTF8)
                {
                    // As GitLab sends its hooks: no charset parameter.
                    Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(SimResults.JsonContentType) },
                },
            };
            request.Headers.TryAddWithoutValidation("User-Agent", "GitLab/17.11.0-simulator");
            request.Headers.TryAddWithoutValidation("X-Gitlab-Event", hookEvent.EventHeader);
            request.Headers.TryAddWithoutValidation("X-Gitlab-Event-UUID", eventUuid);
            request.Headers.TryAddWithoutValidation("X-Gitlab-Webhook-UUID", hook.WebhookUuid.ToString());
            request.Headers.TryAddWithoutValidation("X-Gitlab-Instance", _store.Options.PublicUrl.TrimEnd('/'));
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
            if (hook.Token is { } token)
            {
                request.Headers.TryAddWithoutValidation("X-Gitlab-Token", token);
            }

            try
            {
                using var response = await _http.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _delivered);
                    return;
                }

                LogRefused(hookEvent.EventHeader, hook.Id, (int)response.StatusCode, attempt + 1);
            }
            catch (HttpRequestException failure)
            {
                LogUnreachable(hookEvent.EventHeader, hook.Id, failure.HttpRequestError, attempt + 1);
            }

            if (attempt >= RetryDelays.Length)
            {
                Interlocked.Increment(ref _failed);
                return;
            }

            await Task.Delay(RetryDelays[attempt], _time, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Event} to hook {HookId} answered {Status} (attempt {Attempt})")]
    private partial void LogRefused(string @event, long hookId, int status, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Event} to hook {HookId} could not be delivered: {Error} (attempt {Attempt})")]
    private partial void LogUnreachable(string @event, long hookId, HttpRequestError error, int attempt);
}

using GitLabBus.Runtime.Logging;
using GitLabBus.Tests.TestSupport;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Serilog;

namespace GitLabBus.Tests.Runtime.Logging;

/// <summary>What the shared log setup leaves out so that what matters shows: Polly's line per attempt, and MassTransit's
/// stack trace for a saga conflict that is retried at once (said in one line instead).</summary>
public sealed class When_the_log_is_read_at_3_am
{
    private readonly LogCapture _captured = new();
    private readonly ILogger _log;

    public When_the_log_is_read_at_3_am() =>
        _log = SerilogSetup
            .Configure(new LoggerConfiguration(), new ConfigurationBuilder().Build(), "test")
            .WriteTo.Sink(_captured)
            .CreateLogger();

    [Fact]
    public void Should_leave_out_pollys_attempts_but_keep_its_errors()
    {
        _log.ForContext("SourceContext", "Polly").Information("Execution attempt. Source: 'gitlab', Attempt: '0'");
        _log.ForContext("SourceContext", "Polly").Warning("Execution attempt. Source: 'gitlab', Handled: 'True', Attempt: '1'");
        _log.ForContext("SourceContext", "Polly").Error("Resilience pipeline failed");

        Assert.Equal(["Resilience pipeline failed"], _captured.Events.Select(e => e.RenderMessage()));
    }

    [Fact]
    public void Should_leave_out_the_retry_warning_of_an_expected_saga_conflict_only()
    {
        var retry = _log.ForContext("SourceContext", "MassTransit");
        retry.Warning(
            new ConcurrencyException("version 3 expected, 4 found", typeof(object), Guid.Empty),
            "R-RETRY {InputAddress}",
            "merge-queue-state"
        );
        retry.Warning(
            new SagaException(
                "saga failed",
                typeof(object),
                typeof(object),
                Guid.Empty,
                new ConcurrencyException("version", typeof(object), Guid.Empty)
            ),
            "R-RETRY {InputAddress}",
            "merge-queue-state"
        );
        retry.Warning(new TimeoutException("redis"), "R-RETRY {InputAddress}", "merge-queue-state");
        retry.Error(new ConcurrencyException("gave up", typeof(object), Guid.Empty), "R-FAULT {InputAddress}", "merge-queue-state");

        Assert.Equal(["TimeoutException", "ConcurrencyException"], _captured.Events.Select(e => e.Exception!.GetType().Name));
    }
}

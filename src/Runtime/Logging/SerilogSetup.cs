using GitLabBus.Runtime.Bus;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace GitLabBus.Runtime.Logging;

/// <summary>
/// One logging setup for every host: human-readable lines by default, compact JSON with
/// <c>LOG_FORMAT=json</c>, <c>LOG_LEVEL</c> for the minimum level. Secrets are kept out by construction:
/// nothing logs headers, URLs with credentials, tokens or payloads.
/// </summary>
public static class SerilogSetup
{
    public const string ConsoleTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}";

    public static LoggerConfiguration Configure(LoggerConfiguration logger, IConfiguration configuration, string role)
    {
        var level = Enum.TryParse<LogEventLevel>(configuration["LOG_LEVEL"], ignoreCase: true, out var parsed)
            ? parsed
            : LogEventLevel.Information;

        logger
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Extensions.Http", LogEventLevel.Warning)
            // Four lines for every GitLab call (start, send, headers, end) would bury what matters; failures are logged by the client.
            .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Warning)
            // Authentication registers Data Protection, whose key ring nothing here uses yet (bearer tokens are only
            // validated); its "unencrypted keys" warning at start would only mislead operators.
            .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", LogEventLevel.Error)
            // Polly writes a line per attempt of every GitLab call; a call that fails for good is the caller's to report.
            .MinimumLevel.Override("Polly", LogEventLevel.Error)
            // An expected saga conflict is retried at once and said in one line by SagaConflictRetryLog.
            .Filter.ByExcluding(e =>
                SagaConflictRetryLog.IsExpected(e.Exception) && e.MessageTemplate.Text.StartsWith("R-RETRY", StringComparison.Ordinal)
            )
            .Enrich.FromLogContext()
            .Enrich.With<RequestIdEnricher>()
            .Enrich.WithProperty("Role", role);

        return string.Equals(configuration["LOG_FORMAT"], "json", StringComparison.OrdinalIgnoreCase)
            ? logger.WriteTo.Console(new RenderedCompactJsonFormatter())
            : logger.WriteTo.Console(outputTemplate: ConsoleTemplate);
    }
}

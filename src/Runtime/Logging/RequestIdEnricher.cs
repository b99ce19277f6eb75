using Serilog.Core;
using Serilog.Events;

namespace GitLabBus.Runtime.Logging;

/// <summary>
/// Puts <see cref="RequestContext.RequestId"/> on every log line of the work in progress. It overwrites
/// ASP.NET Core's own <c>RequestId</c> scope value (a connection counter) so one id follows a request from
/// the HTTP answer through every message it causes.
/// </summary>
public sealed class RequestIdEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (RequestContext.RequestId is { } requestId)
        {
            logEvent.AddOrUpdateProperty(propertyFactory.CreateProperty(RequestContext.LogProperty, requestId));
        }
    }
}

using GitLabBus.Runtime.Settings;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace GitLabBus.Sagas;

/// <summary>
/// The sagas role: state machines and the durable scheduler endpoint. It joins the bus with no state
/// machine yet; the saga runtime and the first sagas register here as they land.
/// </summary>
public static class SagasRole
{
    public const string Name = "sagas";

    /// <summary>Registers the role's services and returns its bus registrations.</summary>
    public static Action<IBusRegistrationConfigurator> AddSagasRole(this IServiceCollection services, RuntimeSettings settings) =>
        _ => { };
}

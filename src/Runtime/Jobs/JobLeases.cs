using GitLabBus.Runtime.Settings;
using GitLabBus.Runtime.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GitLabBus.Runtime.Jobs;

public static class JobLeases
{
    /// <summary>Leases in Redis (or in memory): for recurring jobs, and for any work one replica at a time must do.</summary>
    public static IServiceCollection AddJobLeases(this IServiceCollection services, RedisSettings redis)
    {
        services.TryAddSingleton(TimeProvider.System);
        return services.AddStore<IJobLease, InMemoryJobLease, RedisJobLease>(redis);
    }
}

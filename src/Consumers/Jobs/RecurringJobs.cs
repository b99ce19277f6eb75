using GitLabBus.Runtime.Jobs;
using GitLabBus.Runtime.Settings;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace GitLabBus.Consumers.Jobs;

/// <summary>One recurring job: its name (also its lease's), interval, and how long a lease lasts before it is renewed.</summary>
public sealed record RecurringJobOptions<TJob>(string Name, TimeSpan Interval)
{
    /// <summary>At least the interval, and long enough that a crashed holder's lease frees the job soon but not at once.</summary>
    public TimeSpan LeaseDuration => Interval > MinimumLease ? Interval : MinimumLease;

    private static TimeSpan MinimumLease => TimeSpan.FromSeconds(30);
}

/// <summary>Recurring jobs on Quartz (in-memory job store: the schedule is code), guarded by a lease in Redis (or memory).</summary>
public static class RecurringJobs
{
    /// <param name="name">Kebab-case, unique per platform, e.g. <c>merge-request-poller</c>: the lease key uses it.</param>
    public static IServiceCollection AddRecurringJob<TJob>(
        this IServiceCollection services,
        RedisSettings redis,
        string name,
        TimeSpan interval
    )
        where TJob : class, IRecurringJob
    {
        services.TryAddScoped<TJob>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new RecurringJobOptions<TJob>(name, interval));
        services.AddJobLeases(redis);

        services.AddQuartz(quartz =>
        {
            quartz.AddJob<LeasedJob<TJob>>(job => job.WithIdentity(name).DisallowConcurrentExecution());
            quartz.AddTrigger(trigger =>
                trigger
                    .ForJob(name)
                    .WithIdentity(name)
                    .StartNow()
                    .WithSchedule(SimpleScheduleBuilder.Create().WithInterval(interval).RepeatForever())
            );
        });
        if (
            !services.Any(service =>
                service.ServiceType == typeof(QuartzHostedServiceOptions) || service.ImplementationType == typeof(QuartzHostedService)
            )
        )
        {
            services.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = true);
        }

        return services;
    }
}

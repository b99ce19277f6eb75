using GitLabBus.Runtime.Jobs;

namespace GitLabBus.Tests.TestSupport.Specifications;

/// <summary>What every job lease must do, in memory and in Redis.</summary>
public abstract class JobLeaseSpecification
{
    protected abstract IJobLease Lease { get; }

    private static string NewJob() => $"job-{Guid.NewGuid():N}";

    [Fact]
    public async Task Should_refuse_a_second_holder_while_the_lease_is_held()
    {
        var job = NewJob();

        var first = await Lease.TryAcquireAsync(job, TimeSpan.FromMinutes(1), CancellationToken.None);
        var second = await Lease.TryAcquireAsync(job, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.NotNull(await Lease.TryAcquireAsync(NewJob(), TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task Should_free_the_job_when_released_without_a_rest_of_interval()
    {
        var job = NewJob();
        var held = (await Lease.TryAcquireAsync(job, TimeSpan.FromMinutes(1), CancellationToken.None))!;

        await held.ReleaseAsync(TimeSpan.Zero);

        Assert.NotNull(await Lease.TryAcquireAsync(job, TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task Should_keep_the_job_until_its_interval_is_over_when_released_early()
    {
        var job = NewJob();
        var held = (await Lease.TryAcquireAsync(job, TimeSpan.FromMinutes(1), CancellationToken.None))!;

        await held.ReleaseAsync(TimeSpan.FromMinutes(5));

        Assert.Null(await Lease.TryAcquireAsync(job, TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task Should_let_only_the_holder_renew()
    {
        var job = NewJob();
        var held = (await Lease.TryAcquireAsync(job, TimeSpan.FromMinutes(1), CancellationToken.None))!;

        Assert.True(await held.RenewAsync(TimeSpan.FromMinutes(2)));
        await held.ReleaseAsync(TimeSpan.Zero);
        var next = (await Lease.TryAcquireAsync(job, TimeSpan.FromMinutes(1), CancellationToken.None))!;

        Assert.False(await held.RenewAsync(TimeSpan.FromMinutes(2)));
        await held.ReleaseAsync(TimeSpan.Zero);
        Assert.Null(await Lease.TryAcquireAsync(job, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.True(await next.RenewAsync(TimeSpan.FromMinutes(1)));
    }
}

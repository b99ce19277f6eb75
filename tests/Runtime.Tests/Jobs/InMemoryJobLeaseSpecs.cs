using GitLabBus.Runtime.Jobs;
using GitLabBus.Tests.TestSupport.Specifications;
using Microsoft.Extensions.Time.Testing;

namespace GitLabBus.Tests.Runtime.Jobs;

public sealed class InMemoryJobLeaseSpecs : JobLeaseSpecification
{
    private readonly FakeTimeProvider _time = new();

    public InMemoryJobLeaseSpecs() => Lease = new InMemoryJobLease(_time);

    protected override IJobLease Lease { get; }

    [Fact]
    public async Task Should_free_the_job_when_a_crashed_holder_s_lease_runs_out()
    {
        var held = (await Lease.TryAcquireAsync("crashy", TimeSpan.FromSeconds(30), CancellationToken.None))!;

        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.NotNull(await Lease.TryAcquireAsync("crashy", TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.False(await held.RenewAsync(TimeSpan.FromSeconds(30)));
    }
}

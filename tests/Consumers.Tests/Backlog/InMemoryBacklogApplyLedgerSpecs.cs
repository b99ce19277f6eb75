using GitLabBus.Consumers.Backlog;
using GitLabBus.Tests.TestSupport.Specifications;
using Microsoft.Extensions.Time.Testing;

namespace GitLabBus.Tests.Consumers.Backlog;

public sealed class InMemoryBacklogApplyLedgerSpecs : BacklogApplyLedgerSpecification
{
    private readonly FakeTimeProvider _time = new();

    public InMemoryBacklogApplyLedgerSpecs() => Ledger = new InMemoryBacklogApplyLedger(Settings, _time);

    protected override IBacklogApplyLedger Ledger { get; }

    [Fact]
    public async Task A_prompt_is_forgotten_after_the_idempotency_window()
    {
        var key = new BacklogApplyKey("1", "prompt");
        await Ledger.ClaimAsync(key, "op-1", Ttl, CancellationToken.None);
        await Ledger.RecordAsync(key, "epic", [new BacklogItemRecord(0, null, null, [])], CancellationToken.None);

        _time.Advance(Ttl + TimeSpan.FromSeconds(1));
        var later = await Ledger.ClaimAsync(key, "op-2", Ttl, CancellationToken.None);

        Assert.Equal("op-2", later.OperationId);
        Assert.Empty(await Ledger.ItemsAsync(key, "epic", CancellationToken.None));
    }

    [Fact]
    public async Task A_brief_claim_lapses_unless_its_holder_claims_again()
    {
        var (lapsing, kept) = (new BacklogApplyKey("1", "lapsing"), new BacklogApplyKey("1", "kept"));
        await Ledger.ClaimAsync(lapsing, "op-1", TimeSpan.FromMinutes(1), CancellationToken.None);
        await Ledger.ClaimAsync(kept, "op-1", TimeSpan.FromMinutes(1), CancellationToken.None);
        await Ledger.ClaimAsync(kept, "op-1", Ttl, CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("op-2", (await Ledger.ClaimAsync(lapsing, "op-2", Ttl, CancellationToken.None)).OperationId);
        Assert.Equal("op-1", (await Ledger.ClaimAsync(kept, "op-2", Ttl, CancellationToken.None)).OperationId);
    }
}

using GitLabBus.Consumers.Reviews;
using GitLabBus.Contracts;

namespace GitLabBus.Tests.TestSupport.Specifications;

/// <summary>What every <see cref="IReviewStore"/> must do: in memory in Consumers.Tests, on Redis in Integration.</summary>
public abstract class ReviewStoreSpecification
{
    protected abstract IReviewStore Store { get; }

    private static long NewProject() => Random.Shared.NextInt64(1_000, long.MaxValue);

    [Fact]
    public async Task A_request_is_done_once_recorded_and_only_that_request()
    {
        var project = NewProject();
        var hook = new ReviewKey(project, 7, "abc1234", ReviewCommands.Review, null);

        Assert.False(await Store.IsDoneAsync(hook, CancellationToken.None));
        await Store.RecordAsync(hook, null, CancellationToken.None);

        Assert.True(await Store.IsDoneAsync(hook, CancellationToken.None));
        Assert.False(await Store.IsDoneAsync(hook with { HeadSha = "def5678" }, CancellationToken.None));
        Assert.False(await Store.IsDoneAsync(hook with { AskedBy = "42" }, CancellationToken.None));
        Assert.False(await Store.IsDoneAsync(hook with { Command = ReviewCommands.Describe }, CancellationToken.None));
        Assert.False(await Store.IsDoneAsync(hook with { MergeRequestIid = 8 }, CancellationToken.None));
    }

    [Fact]
    public async Task The_latest_review_is_the_last_recorded_with_one()
    {
        var project = NewProject();
        var first = Review(project, "abc1234", "first");
        var second = Review(project, "def5678", "second");

        Assert.Null(await Store.LatestAsync(project, 7, CancellationToken.None));
        await Store.RecordAsync(new ReviewKey(project, 7, "abc1234", ReviewCommands.Review, null), first, CancellationToken.None);
        await Store.RecordAsync(new ReviewKey(project, 7, "def5678", ReviewCommands.Review, null), second, CancellationToken.None);
        await Store.RecordAsync(new ReviewKey(project, 7, "def5678", ReviewCommands.Help, "9"), null, CancellationToken.None);

        var latest = await Store.LatestAsync(project, 7, CancellationToken.None);
        Assert.NotNull(latest);
        Assert.Equal(("def5678", "second", 501L), (latest.HeadSha, latest.Summary, latest.NoteId));
        Assert.Equal(
            [("src/cart.py", (int?)3, "debug-output", "d1")],
            latest.Findings.Select(finding => (finding.Path, finding.Line, finding.Rule, finding.DiscussionId))
        );
        Assert.Equal(["package-lock.json"], latest.SkippedFiles.Select(file => file.Path));
    }

    [Fact]
    public async Task The_pollers_watermark_is_the_last_set_for_each_GitLab()
    {
        var at = new DateTimeOffset(2026, 12, 1, 9, 30, 15, 250, TimeSpan.Zero);

        var org = $"acme-{Guid.NewGuid():N}";

        await Store.SetWatermarkAsync(null, at.AddMinutes(-5), CancellationToken.None);
        await Store.SetWatermarkAsync(null, at, CancellationToken.None);
        var before = await Store.WatermarkAsync(org, CancellationToken.None);
        await Store.SetWatermarkAsync(org, at.AddDays(-1), CancellationToken.None);

        Assert.Equal(at, await Store.WatermarkAsync(null, CancellationToken.None));
        // Each GitLab's clock is its own: an organisation's watermark is another.
        Assert.Null(before);
        Assert.Equal(at.AddDays(-1), await Store.WatermarkAsync(org, CancellationToken.None));
    }

    private static ReviewView Review(long project, string head, string summary) =>
        new()
        {
            ProjectId = project,
            MergeRequestIid = 7,
            HeadSha = head,
            Provider = "rules",
            ReviewedAt = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero),
            Summary = summary,
            Findings = [new ReviewFindingView("src/cart.py", 3, "new", "warning", "debug-output", "Debug output left in.", "d1")],
            SkippedFiles = [new ReviewSkippedFile("package-lock.json", "lock file")],
            NoteId = 501,
        };
}

using GitLabBus.Consumers.Reviews;
using GitLabBus.Contracts;
using GitLabBus.GitLab.Models;

namespace GitLabBus.Tests.Consumers.Reviews;

/// <summary>The summary and the description outline as a person reads them.</summary>
public sealed class When_a_review_writes_its_summary
{
    private const string Head = "0123456789abcdef0123456789abcdef01234567";

    [Fact]
    public void Should_name_the_head_count_by_severity_and_list_what_is_not_inline_or_not_read()
    {
        var body = ReviewComments.Summary(
            new ReviewSummary(
                Head,
                "rules",
                [
                    new ReviewFindingView("web/a.js", 2, "new", "critical", "committed-secret", "Rotate it.", "d1"),
                    new ReviewFindingView("web/a.js", 9, "new", "warning", "debug-output", "Remove | it.", null),
                    new ReviewFindingView("web/a.js", null, "new", "info", "missing-tests", "Add a test.", null),
                ],
                [new SkippedFile("package-lock.json", "lock file")],
                ["in .gitlabbus.yml: `colour` was not understood"],
                "http://gitlab.test/demo/shop"
            )
        );

        Assert.Contains(
            "Reviewed `0123456789ab` with the `rules` reviewer: **3 findings** (1 critical, 1 warning, 1 info); 1 in the diff",
            body,
            StringComparison.Ordinal
        );
        Assert.Contains("[`web/a.js:9`](http://gitlab.test/demo/shop/-/blob/" + Head + "/web/a.js#L9)", body, StringComparison.Ordinal);
        Assert.Contains("Remove \\| it.", body, StringComparison.Ordinal);
        Assert.Contains("| info | `web/a.js` | `missing-tests` | Add a test. |", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Rotate it.", body, StringComparison.Ordinal);
        Assert.Contains("**Not read** (1 file): `package-lock.json` (lock file).", body, StringComparison.Ordinal);
        Assert.Contains("> in .gitlabbus.yml: `colour` was not understood", body, StringComparison.Ordinal);
        Assert.EndsWith(ReviewComments.SummaryMarker, body, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_replace_its_outline_in_the_description_and_keep_the_authors_text()
    {
        var files = new[]
        {
            ChangedFile.From(new GitLabDiff("src/cart.py", "src/cart.py", "@@ -1,2 +1,2 @@\n-a\n+b\n c\n")),
            ChangedFile.From(new GitLabDiff("docs/new.md", "docs/new.md", "@@ -0,0 +1,2 @@\n+x\n+y\n") { NewFile = true }),
        };

        var once = ReviewComments.WithOutline("Fixes the cart.", files, Head);
        var twice = ReviewComments.WithOutline(
            once.Replace("Fixes the cart.", "Fixes the cart totals.", StringComparison.Ordinal),
            files,
            Head
        );

        Assert.StartsWith("Fixes the cart.\n\n" + ReviewComments.OutlineStart, once, StringComparison.Ordinal);
        Assert.Contains("2 files, +3 −1", once, StringComparison.Ordinal);
        Assert.Contains("- `docs/new.md` (added, +2 −0)", once, StringComparison.Ordinal);
        Assert.Equal(1, twice.Split(ReviewComments.OutlineStart).Length - 1);
        Assert.StartsWith("Fixes the cart totals.", twice, StringComparison.Ordinal);
    }
}

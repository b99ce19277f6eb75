using GitLabBus.GitLab;
using GitLabBus.GitLab.Models;
using GitLabBus.Tests.TestSupport;

namespace GitLabBus.Tests.GitLab.Repository;

/// <summary>Real diffs and GitLab's rules for an inline comment: added lines by new_line, removed by old_line, context by both.</summary>
public sealed class When_comments_are_placed_on_a_diff : IAsyncLifetime
{
    private readonly SimulatorFixture _gitlab = new();

    public Task InitializeAsync() => _gitlab.InitializeAsync();

    public Task DisposeAsync() => _gitlab.DisposeAsync();

    private GitLabClient Client => _gitlab.Client();

    [Fact]
    public async Task Should_show_the_unified_diff_of_each_file()
    {
        var diffs = await Client.ListDiffsAsync(1, 2, CancellationToken.None).ToListAsync();

        var checkout = diffs.Single(diff => diff.NewPath == "src/checkout.py");
        var template = diffs.Single(diff => diff.NewPath == "templates/checkout.html");
        Assert.StartsWith("@@ -", checkout.Diff, StringComparison.Ordinal);
        Assert.Contains("\n-def checkout(cart: Cart, payment) -> dict:\n", checkout.Diff, StringComparison.Ordinal);
        Assert.Contains("\n+def checkout(cart: Cart, payment, express: bool = False) -> dict:\n", checkout.Diff, StringComparison.Ordinal);
        Assert.Equal((true, "0", "100644"), (template.NewFile, template.AMode, template.BMode));
    }

    [Theory]
    [InlineData(null, 16, true)] // the added "def checkout(..., express" line
    [InlineData(16, null, true)] // the removed "def checkout(cart, payment)" line
    [InlineData(19, 19, true)] // an unchanged line inside the hunk
    [InlineData(null, 19, false)] // the same unchanged line by one side only
    [InlineData(null, 2, false)] // a line outside every hunk
    public async Task Should_place_a_comment_only_on_a_line_of_the_diff(int? oldLine, int? newLine, bool placed)
    {
        var refs = (await Client.GetMergeRequestAsync(1, 2, false, CancellationToken.None)).DiffRefs!;
        var position = new GitLabPosition(refs.BaseSha, refs.StartSha, refs.HeadSha, "text", "src/checkout.py", "src/checkout.py")
        {
            OldLine = oldLine,
            NewLine = newLine,
        };

        var attempt = await Record.ExceptionAsync(() =>
            Client.CreateDiscussionAsync(1, 2, new NewGitLabDiscussion("Look here") { Position = position }, CancellationToken.None)
        );

        if (placed)
        {
            Assert.Null(attempt);
        }
        else
        {
            var refused = Assert.IsType<GitLabException>(attempt);
            Assert.Equal(GitLabErrorKind.Validation, refused.Kind);
            Assert.Contains("line_code", refused.GitLabMessage, StringComparison.Ordinal);
        }
    }
}

using GitLabBus.Consumers.Reviews;
using GitLabBus.Consumers.Reviews.Rules;
using GitLabBus.GitLab.Models;

namespace GitLabBus.Tests.Consumers.Reviews;

/// <summary><c>.gitlabbus.yml</c>'s review section, and what a reviewer reads of a diff within its token budget.</summary>
public sealed class When_a_review_reads_its_settings_and_budget
{
    [Fact]
    public void Should_read_the_review_section()
    {
        var settings = ReviewRepositorySettings.Parse(
            """
            review:
              enabled: true
              ignore: ["vendor/**", "*.generated.cs"]
              instructions: Prefer small functions.
              rules:
                debug-output: off
                committed-secret: on
            """
        );

        Assert.Null(settings.Problem);
        Assert.True(settings.Enabled);
        Assert.Equal("Prefer small functions.", settings.Instructions);
        Assert.Equal([DebugOutputRule.RuleId], settings.RulesOff);
        Assert.True(settings.Ignores("vendor/lib/a.js"));
        Assert.True(settings.Ignores("Api.generated.cs"));
        Assert.False(settings.Ignores("src/cart.py"));
    }

    [Theory]
    [InlineData("review: [1, 2]", "`review` is not a mapping")]
    [InlineData("review:\n  rules:\n    no-such-rule: off", "`rules.no-such-rule` is not a rule set to on or off")]
    [InlineData("review:\n  colour: blue", "`colour` was not understood")]
    [InlineData("review: {enabled: [", "not valid YAML")]
    public void Should_say_what_it_could_not_read_and_keep_the_defaults_for_it(string yaml, string problem)
    {
        var settings = ReviewRepositorySettings.Parse(yaml);

        Assert.Contains(problem, settings.Problem, StringComparison.Ordinal);
        Assert.True(settings.Enabled);
    }

    [Fact]
    public void Should_use_the_defaults_without_a_file_or_a_review_section()
    {
        Assert.Same(ReviewRepositorySettings.Default, ReviewRepositorySettings.Parse(null));
        Assert.Same(ReviewRepositorySettings.Default, ReviewRepositorySettings.Parse("pipelines: {}"));
    }

    [Fact]
    public void Should_take_the_largest_files_that_fit_and_list_what_it_left_out()
    {
        var small = File("src/a.py", 10);
        var large = File("src/b.py", 400);
        var huge = File("src/c.py", 5_000);
        var locked = File("package-lock.json", 10);
        var ignored = File("vendor/x.py", 10);
        var budget = new DiffBudget(DiffBudget.CountTokens(large.Text) + DiffBudget.CountTokens(small.Text));

        var read = budget.Select(
            [small, large, huge, locked, ignored],
            ReviewRepositorySettings.Parse("review: {ignore: [\"vendor/**\"]}")
        );

        Assert.Equal(["src/a.py", "src/b.py"], read.Files.Select(file => file.Path));
        Assert.Equal(
            [("package-lock.json", "lock file"), ("vendor/x.py", "ignored by .gitlabbus.yml")],
            read.Skipped.Take(2).Select(file => (file.Path, file.Reason))
        );
        Assert.Equal("src/c.py", read.Skipped[2].Path);
        Assert.StartsWith("over the diff budget", read.Skipped[2].Reason, StringComparison.Ordinal);
        Assert.True(read.Tokens <= budget.MaxTokens);
    }

    [Fact]
    public void Should_leave_out_binaries_and_generated_files_without_crashing_on_renames_or_deletions()
    {
        var files = new[]
        {
            ChangedFile.From(new GitLabDiff("a.png", "a.png", "Binary files a/a.png and b/a.png differ\n")),
            ChangedFile.From(new GitLabDiff("api.ts", "api.ts", "@@ -1 +1 @@\n-a\n+b\n") { GeneratedFile = true }),
            ChangedFile.From(new GitLabDiff("old.py", "new.py", "") { RenamedFile = true }),
            ChangedFile.From(new GitLabDiff("gone.py", "gone.py", "@@ -1,2 +0,0 @@\n-a\n-b\n") { DeletedFile = true }),
        };

        var read = new DiffBudget(1_000).Select(files, ReviewRepositorySettings.Default);

        Assert.Equal(["new.py", "gone.py"], read.Files.Select(file => file.Path));
        Assert.Equal([("a.png", "binary"), ("api.ts", "generated")], read.Skipped.Select(file => (file.Path, file.Reason)));
    }

    private static ChangedFile File(string path, int lines) =>
        ChangedFile.From(
            new GitLabDiff(
                path,
                path,
                $"@@ -0,0 +1,{lines} @@\n" + string.Concat(Enumerable.Range(0, lines).Select(i => $"+value_{i} = {i}\n"))
            )
            {
                NewFile = true,
            }
        );
}

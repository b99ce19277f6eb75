using GitLabBus.Consumers.Reviews;
using GitLabBus.Consumers.Reviews.Rules;
using GitLabBus.GitLab.Models;

namespace GitLabBus.Tests.Consumers.Reviews;

/// <summary>The built-in reviewer's rules, each with a case it must catch and a look-alike it must leave alone.</summary>
public sealed class When_the_rules_review_a_change
{
    private const string AwsKeyId = "AKIAZ7QW3ERTY5UIOPAS";

    [Fact]
    public void Should_find_a_committed_key_without_repeating_it()
    {
        var findings = Review(Added("config/settings.py", "REGION = 'eu-west-1'", $"ACCESS_KEY = '{AwsKeyId}'"));

        var finding = Assert.Single(findings, f => f.Rule == CommittedSecretRule.RuleId);
        Assert.Equal(
            ("config/settings.py", 2, FindingSides.New, FindingSeverities.Critical),
            (finding.Path, finding.Line, finding.Side, finding.Severity)
        );
        Assert.Contains("AWS access key id", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AwsKeyId, finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----", "a private key")]
    [InlineData("token = \"glpat-x1Y2z3W4v5U6t7S8r9Q0\"", "a GitLab access token")]
    [InlineData("db_password: \"k9#Lm2$vQ8!zR4tW\"", "a password or token")]
    public void Should_name_the_kind_of_secret(string line, string kind) => Assert.Equal(kind, CommittedSecretRule.KindOf(line));

    [Theory]
    [InlineData("aws_access_key_id = AKIAIOSFODNN7EXAMPLE")]
    [InlineData("password: \"${DB_PASSWORD}\"")]
    [InlineData("password = \"xxxxxxxxxxxxxxxx\"")]
    [InlineData("password_hint = \"ask the admin\"")]
    public void Should_leave_examples_and_placeholders_alone(string line) => Assert.Null(CommittedSecretRule.KindOf(line));

    [Fact]
    public void Should_find_conflict_markers_but_not_a_heading_underline()
    {
        var conflicted = Review(Added("src/cart.py", "<<<<<<< HEAD", "total = 1", "=======", "total = 2", ">>>>>>> feature"));
        var heading = Review(Added("README.md", "Install", "======="));

        Assert.Equal([1, 3, 5], conflicted.Where(f => f.Rule == ConflictMarkerRule.RuleId).Select(f => f.Line!.Value));
        Assert.DoesNotContain(heading, f => f.Rule == ConflictMarkerRule.RuleId);
    }

    [Fact]
    public void Should_find_debug_output_by_language_and_not_in_comments_or_scripts()
    {
        var findings = Review(
            Added("web/app.js", "const x = 1;", "console.log(x);", "// console.log(x);"),
            Added("src/checkout.py", "def total():", "    print(items)"),
            Added("src/Cart.cs", "Debug.WriteLine(total);"),
            Added("scripts/report.py", "print('done')"),
            Added("src/report.c", "print(1);")
        );

        Assert.Equal(
            [("web/app.js", 2), ("src/checkout.py", 2), ("src/Cart.cs", 1)],
            findings.Where(f => f.Rule == DebugOutputRule.RuleId).Select(f => (f.Path, f.Line!.Value))
        );
    }

    [Fact]
    public void Should_find_a_todo_without_a_reference_only()
    {
        var findings = Review(
            Added(
                "src/cart.py",
                "# TODO: handle refunds",
                "# TODO(#42): handle refunds",
                "# FIXME see https://x.test/1",
                "# TODO(alice) later",
                "todos = []"
            )
        );

        Assert.Equal([1], findings.Where(f => f.Rule == UnreferencedTodoRule.RuleId).Select(f => f.Line!.Value));
    }

    [Fact]
    public void Should_find_binary_and_very_large_files_but_not_deleted_ones()
    {
        var binary = new GitLabDiff("logo.png", "logo.png", "Binary files /dev/null and b/logo.png differ\n") { NewFile = true };
        var large = Added("data/dump.sql", [.. Enumerable.Range(0, LargeOrBinaryFileRule.MaxAddedLines + 1).Select(i => $"INSERT {i};")]);
        var deleted = new GitLabDiff("old.bin", "old.bin", "Binary files a/old.bin and /dev/null differ\n") { DeletedFile = true };

        var findings = RulesReviewer.Review([ChangedFile.From(binary), large, ChangedFile.From(deleted)], new HashSet<string>());

        Assert.Equal(["logo.png", "data/dump.sql"], findings.Where(f => f.Rule == LargeOrBinaryFileRule.RuleId).Select(f => f.Path));
        Assert.All(findings.Where(f => f.Rule == LargeOrBinaryFileRule.RuleId), f => Assert.Null(f.Line));
    }

    [Fact]
    public void Should_note_source_changed_without_a_test_unless_a_test_changed()
    {
        var untested = Review(Added("src/cart.py", "x = 1"), Added("docs/cart.md", "Cart"));
        var tested = Review(Added("src/cart.py", "x = 1"), Added("tests/test_cart.py", "def test_x(): pass"));
        var documentation = Review(Added("docs/cart.md", "Cart"));

        var finding = Assert.Single(untested, f => f.Rule == MissingTestsRule.RuleId);
        Assert.Null(finding.Line);
        Assert.Contains("`src/cart.py`", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(tested, f => f.Rule == MissingTestsRule.RuleId);
        Assert.DoesNotContain(documentation, f => f.Rule == MissingTestsRule.RuleId);
    }

    [Theory]
    [InlineData("tests/test_cart.py", true)]
    [InlineData("src/cart_test.go", true)]
    [InlineData("web/cart.spec.ts", true)]
    [InlineData("tests/Consumers.Tests/CartSpecs.cs", true)]
    [InlineData("src/CartTests.cs", true)]
    [InlineData("src/contest.py", false)]
    [InlineData("src/latest.py", false)]
    public void Should_know_a_test_by_its_folder_or_name(string path, bool test) => Assert.Equal(test, MissingTestsRule.IsTest(path));

    [Fact]
    public void Should_skip_the_rules_a_project_turned_off()
    {
        var findings = RulesReviewer.Review(
            [Added("src/cart.py", "# TODO: later", "print(1)")],
            new HashSet<string> { UnreferencedTodoRule.RuleId, MissingTestsRule.RuleId }
        );

        Assert.Equal([DebugOutputRule.RuleId], findings.Select(f => f.Rule));
    }

    [Fact]
    public void Should_number_lines_as_gitlab_does_across_hunks()
    {
        var diff = new GitLabDiff(
            "src/cart.py",
            "src/cart.py",
            "@@ -1,3 +1,3 @@\n a = 1\n-b = 2\n+b = 3\n c = 4\n"
                + "@@ -10,2 +10,3 @@ def total():\n x = 1\n+print(x)\n y = 2\n\\ No newline at end of file\n"
        );

        var file = ChangedFile.From(diff);

        Assert.Equal(
            [(DiffLineKind.Context, 1, 1), (DiffLineKind.Removed, 2, null), (DiffLineKind.Added, null, 2), (DiffLineKind.Context, 3, 3)],
            file.Lines.Take(4).Select(line => (line.Kind, line.OldLine, line.NewLine))
        );
        Assert.Equal((11, "print(x)"), (file.AddedLines.Last().NewLine!.Value, file.AddedLines.Last().Text));
        Assert.Equal(7, file.Lines.Count);
    }

    private static IReadOnlyList<ReviewFinding> Review(params ChangedFile[] files) => RulesReviewer.Review(files, new HashSet<string>());

    private static ChangedFile Added(string path, params string[] lines) =>
        ChangedFile.From(
            new GitLabDiff(path, path, $"@@ -0,0 +1,{lines.Length} @@\n" + string.Concat(lines.Select(line => $"+{line}\n")))
            {
                NewFile = true,
            }
        );
}

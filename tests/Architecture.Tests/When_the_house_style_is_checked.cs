using System.Xml.Linq;
using GitLabBus.Tests.TestSupport;

namespace GitLabBus.Tests.Architecture;

/// <summary>The parts of the house style a formatter cannot see: line length and how test projects depend on one another.</summary>
public sealed class When_the_house_style_is_checked
{
    private const int MaxLineLength = 140;

    private static readonly string Repository = RepositoryFiles.Root;

    [Fact]
    public void Should_keep_every_line_of_src_and_tests_within_140_characters()
    {
        var tooLong = new[] { "src", "tests" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Repository, folder), "*.cs", SearchOption.AllDirectories))
            .Where(path => !IsBuildOutput(path))
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (path, line, number: index + 1)))
            .Where(entry => entry.line.Length > MaxLineLength)
            .Select(entry => $"{Path.GetRelativePath(Repository, entry.path)}:{entry.number} ({entry.line.Length})")
            .ToList();

        Assert.True(tooLong.Count == 0, "lines over 140 characters: " + string.Join(", ", tooLong.Take(20)));
    }

    [Fact]
    public void Should_share_test_code_only_through_test_support()
    {
        var crossReferences = Directory
            .EnumerateFiles(Path.Combine(Repository, "tests"), "*.csproj", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(path))
            .SelectMany(project =>
                XDocument
                    .Load(project)
                    .Descendants("ProjectReference")
                    .Select(reference => (string?)reference.Attribute("Include") ?? "")
                    .Where(include => !include.Replace('\\', '/').Contains("/src/", StringComparison.Ordinal))
                    .Where(include => !include.EndsWith("TestSupport.csproj", StringComparison.Ordinal))
                    .Select(include => $"{Path.GetFileName(project)} → {include}")
            )
            .ToList();

        Assert.Empty(crossReferences);
    }

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
}

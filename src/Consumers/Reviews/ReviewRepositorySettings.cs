using Microsoft.Extensions.FileSystemGlobbing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GitLabBus.Consumers.Reviews;

/// <summary>
/// The <c>review</c> section of <c>.gitlabbus.yml</c>, read from the merge request's <b>target</b> branch so that a merge
/// request cannot change how it is reviewed: <c>enabled</c>, <c>ignore</c> (globs), <c>instructions</c> for the LLM
/// reviewers, and <c>rules</c> (<c>rule-id: on|off</c>). A file that cannot be read is reported, never fatal: the review
/// runs with the defaults and the summary says why.
/// </summary>
public sealed record ReviewRepositorySettings
{
    public const string FileName = ".gitlabbus.yml";

    /// <summary>A larger file is not read (the defaults apply): a settings file has no business being big.</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>Instructions longer than this are cut: they go into every prompt.</summary>
    public const int MaxInstructionsLength = 4_000;

    public static readonly ReviewRepositorySettings Default = new();

    public bool Enabled { get; init; } = true;
    public IReadOnlyList<string> Ignore { get; init; } = [];
    public string? Instructions { get; init; }
    public IReadOnlySet<string> RulesOff { get; init; } = new HashSet<string>();

    /// <summary>What was wrong with the file, for the summary; null when it was read as it is.</summary>
    public string? Problem { get; init; }

    public bool Ignores(string path)
    {
        if (Ignore.Count == 0)
        {
            return false;
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddIncludePatterns(Ignore);
        return matcher.Match(path).HasMatches;
    }

    public static ReviewRepositorySettings Parse(string? yaml)
    {
        if (string.IsNullOrWhiteSpace(yaml))
        {
            return Default;
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                return Default;
            }

            if (!root.Children.TryGetValue(new YamlScalarNode("review"), out var node))
            {
                return Default;
            }

            return node is YamlMappingNode review ? Read(review) : Default with { Problem = "`review` is not a mapping" };
        }
        catch (YamlException invalid)
        {
            return Default with { Problem = $"{FileName} is not valid YAML (line {invalid.Start.Line}): the defaults were used" };
        }
    }

    private static ReviewRepositorySettings Read(YamlMappingNode review)
    {
        var problems = new List<string>();
        var settings = Default;
        foreach (var (key, value) in review.Children)
        {
            switch ((key as YamlScalarNode)?.Value)
            {
                case "enabled" when value is YamlScalarNode { Value: var flag } && bool.TryParse(flag, out var enabled):
                    settings = settings with { Enabled = enabled };
                    break;
                case "ignore" when value is YamlSequenceNode globs:
                    settings = settings with
                    {
                        Ignore =
                        [
                            .. globs.Children.OfType<YamlScalarNode>().Select(glob => glob.Value ?? "").Where(glob => glob.Length > 0),
                        ],
                    };
                    break;
                case "instructions" when value is YamlScalarNode { Value: { } text }:
                    settings = settings with { Instructions = text.Length > MaxInstructionsLength ? text[..MaxInstructionsLength] : text };
                    break;
                case "rules" when value is YamlMappingNode rules:
                    var off = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var (rule, state) in rules.Children)
                    {
                        var id = (rule as YamlScalarNode)?.Value ?? "";
                        var turnedOn = (state as YamlScalarNode)?.Value?.ToLowerInvariant() switch
                        {
                            "on" or "true" => true,
                            "off" or "false" => false,
                            _ => (bool?)null,
                        };
                        if (!RulesReviewer.RuleIds.Contains(id) || turnedOn is null)
                        {
                            problems.Add($"`rules.{Quoted(id)}` is not a rule set to on or off");
                        }
                        else if (turnedOn == false)
                        {
                            off.Add(id);
                        }
                    }

                    settings = settings with { RulesOff = off };
                    break;
                case var name:
                    problems.Add($"`{Quoted(name ?? "")}` was not understood");
                    break;
            }
        }

        return problems.Count == 0 ? settings : settings with { Problem = $"in {FileName}: {string.Join("; ", problems)}" };
    }

    /// <summary>A name from the file as the summary may repeat it: one line, at most 60 characters.</summary>
    private static string Quoted(string name)
    {
        var line = name.ReplaceLineEndings(" ").Replace('`', '\'');
        return line.Length > 60 ? line[..60] + "…" : line;
    }
}

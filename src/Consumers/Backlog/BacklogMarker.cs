using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace GitLabBus.Consumers.Backlog;

/// <summary>
/// The mark an apply leaves on what it creates: an HTML comment at the end of the description (GitLab does not render
/// it) holding a token derived from the project, the prompt, the step and the input index. A redelivered apply that may
/// have created an item without recording it searches GitLab for the token before creating again.
/// </summary>
public static partial class BacklogMarker
{
    /// <summary>E.g. <c>gitlabbus-apply-6f1c0a9e2b7d4c13</c>: letters and digits only, so GitLab's search finds it as one word.</summary>
    public static string Token(BacklogApplyKey key, string scope, int inputIndex)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(
            Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{key.ProjectId}\n{key.PromptId}\n{scope}\n{inputIndex}")),
            hash
        );
        return "gitlabbus-apply-" + Convert.ToHexStringLower(hash[..8]);
    }

    public static string Append(string? description, string token) =>
        $"{description}{(string.IsNullOrEmpty(description) ? "" : "\n\n")}<!-- {token} -->";

    public static bool Carries(string? description, string token) =>
        description is not null && description.Contains($"<!-- {token} -->", StringComparison.Ordinal);

    /// <summary>The description as its author wrote it: our marks (and the blank line before them) removed.</summary>
    public static string Strip(string? description) => description is null ? "" : Mark().Replace(description, "");

    [GeneratedRegex(@"(\n\n)?<!-- gitlabbus-apply-[0-9a-f]{16} -->")]
    private static partial Regex Mark();
}

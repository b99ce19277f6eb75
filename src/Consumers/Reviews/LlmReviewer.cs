using System.ClientModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GitLabBus.Consumers.OpenAIAccess;
using GitLabBus.Consumers.Reviews.Rules;
using GitLabBus.GitLab.Models;
using Microsoft.Extensions.AI;

namespace GitLabBus.Consumers.Reviews;

/// <summary>An LLM reviewer failed (unreachable, an error, no answer in time, an answer that is not what was asked), in words
/// for the summary: never the key, never the server's own text.</summary>
public sealed class ModelUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What a model found, and the tokens it took.</summary>
public sealed record ModelReview(IReadOnlyList<ReviewFinding> Findings, long Tokens);

/// <summary>
/// The <c>openai</c> and <c>azure</c> reviewers through <see cref="IChatClient"/>: the budgeted diff and the project's
/// instructions in, findings as JSON out, each checked before it is used (a path, a side, a line, a known severity, a
/// message of a sensible length that quotes no secret). Where it lands is the poster's business: a line outside the diff
/// goes into the summary.
/// </summary>
public sealed class LlmReviewer(IChatClient chat, ReviewSettings settings)
{
    public const string RuleId = "llm";
    public const int MaxFindings = 50;
    public const int MaxMessageLength = 1_000;
    public const int MaxAnswerLength = 8_000;

    public static LlmReviewer Create(ReviewSettings settings)
    {
        var options = OpenAIConnection.Options(
            settings.BaseUrl!,
            settings.Key!,
            settings.Provider == "azure" ? settings.Deployment : null,
            settings.ApiVersion,
            settings.ModelTimeout
        );
        var client = new OpenAI.Chat.ChatClient(
            settings.Provider == "azure" ? settings.Deployment : settings.Model,
            new ApiKeyCredential(settings.Key!),
            options
        );
        return new LlmReviewer(client.AsIChatClient(), settings);
    }

    public async Task<ModelReview> ReviewAsync(
        GitLabMergeRequest mr,
        BudgetedDiff diff,
        string? instructions,
        CancellationToken cancellationToken
    )
    {
        var (text, tokens) = await AskModelAsync(
            ReviewPrompts.Review(instructions),
            ReviewPrompts.Change(mr, diff),
            json: true,
            cancellationToken
        );
        return new ModelReview(Findings(text, diff), tokens);
    }

    /// <summary>What the change does and why, for the description's section, from the budgeted diff.</summary>
    public async Task<(string Summary, long Tokens)> DescribeAsync(
        GitLabMergeRequest mr,
        BudgetedDiff diff,
        string? instructions,
        CancellationToken cancellationToken
    )
    {
        var (text, tokens) = await AskModelAsync(
            ReviewPrompts.Describe(instructions),
            ReviewPrompts.Change(mr, diff),
            json: false,
            cancellationToken
        );
        var summary = text.Trim();
        return (Unquoted(summary.Length > MaxAnswerLength ? summary[..MaxAnswerLength] + "…" : summary), tokens);
    }

    /// <summary>The answer to an <c>/ask</c>, about the budgeted diff; a secret it quotes is not repeated.</summary>
    public async Task<(string Answer, long Tokens)> AskAsync(
        GitLabMergeRequest mr,
        BudgetedDiff diff,
        string question,
        string? instructions,
        CancellationToken cancellationToken
    )
    {
        var (text, tokens) = await AskModelAsync(
            ReviewPrompts.Ask(instructions),
            ReviewPrompts.Change(mr, diff) + $"\n\nQuestion: {question}",
            json: false,
            cancellationToken
        );
        var answer = text.Trim();
        answer = answer.Length > MaxAnswerLength ? answer[..MaxAnswerLength] + "…" : answer;
        return (Unquoted(answer), tokens);
    }

    private async Task<(string Text, long Tokens)> AskModelAsync(string system, string user, bool json, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.ModelTimeout);
        var options = new ChatOptions { Temperature = 0, ResponseFormat = json ? ChatResponseFormat.Json : ChatResponseFormat.Text };
        try
        {
            var response = await chat.GetResponseAsync(
                [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, user)],
                options,
                deadline.Token
            );
            return (response.Text, response.Usage?.TotalTokenCount ?? 0);
        }
        catch (OperationCanceledException timedOut) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ModelUnavailableException(
                $"the {settings.Provider} reviewer did not answer within {settings.ModelTimeout.TotalSeconds:0} s",
                timedOut
            );
        }
        catch (ClientResultException refused)
        {
            throw new ModelUnavailableException($"the {settings.Provider} reviewer answered {refused.Status}", refused);
        }
        catch (HttpRequestException unreachable)
        {
            throw new ModelUnavailableException(
                $"the {settings.Provider} reviewer could not be reached ({unreachable.HttpRequestError})",
                unreachable
            );
        }
    }

    /// <summary>The findings of the model's JSON, each checked; an answer that is not that JSON is a failure of the model.</summary>
    public static IReadOnlyList<ReviewFinding> Findings(string json, BudgetedDiff diff)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json).RootElement.Clone();
        }
        catch (JsonException bad)
        {
            throw new ModelUnavailableException("the model's answer was not the JSON asked for", bad);
        }

        if (
            root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("findings", out var items)
            || items.ValueKind != JsonValueKind.Array
        )
        {
            throw new ModelUnavailableException("the model's answer had no findings list");
        }

        var paths = diff.Files.Select(file => file.Path).ToHashSet(StringComparer.Ordinal);
        var findings = new List<ReviewFinding>();
        foreach (var item in items.EnumerateArray().Take(MaxFindings))
        {
            if (Finding(item, paths) is { } finding)
            {
                findings.Add(finding);
            }
        }

        return findings;
    }

    private static ReviewFinding? Finding(JsonElement item, IReadOnlySet<string> paths)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var path = Text(item, "path");
        var message = Text(item, "message")?.Trim();
        if (path is null || !paths.Contains(path) || string.IsNullOrEmpty(message))
        {
            return null;
        }

        int? line = item.TryGetProperty("line", out var number) && number.TryGetInt32(out var value) && value > 0 ? value : null;
        var side = Text(item, "side") == FindingSides.Old ? FindingSides.Old : FindingSides.New;
        var severity = Text(item, "severity")?.ToLowerInvariant() switch
        {
            FindingSeverities.Critical => FindingSeverities.Critical,
            FindingSeverities.Error => FindingSeverities.Error,
            FindingSeverities.Warning => FindingSeverities.Warning,
            _ => FindingSeverities.Info,
        };
        message = message.Length > MaxMessageLength ? message[..MaxMessageLength] + "…" : message;
        return new ReviewFinding(path, line, side, severity, RuleId, Unquoted(message));
    }

    /// <summary>A model that quotes a secret back is not repeated: the text says what kind of secret it quoted, not the secret.</summary>
    private static string Unquoted(string text) =>
        text.Split('\n').Any(line => CommittedSecretRule.KindOf(line) is not null)
            ? string.Join(
                '\n',
                text.Split('\n')
                    .Select(line => CommittedSecretRule.KindOf(line) is { } kind ? $"(a line quoting {kind} is left out here)" : line)
            )
            : text;

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>The prompts, in one place: a project extends them with <c>review.instructions</c>, never replaces them.</summary>
public static class ReviewPrompts
{
    private const string Findings = """
        You review a GitLab merge request's diff as a senior engineer would: correctness, security, error handling, concurrency,
        resource leaks, and tests. Say only what matters and what the author should do; no praise, no style nits a formatter fixes.
        Answer with JSON only: {"findings":[{"path":"<a file of the diff>","line":<number>,"side":"new"|"old",
        "severity":"critical"|"error"|"warning"|"info","message":"<what is wrong and what to do>"}]}.
        "line" is the line number in the new file for "new" (added or unchanged lines) and in the old file for "old" (removed lines).
        Never repeat a secret, key or password you see; name its kind instead. An empty list is a fine answer.
        """;

    private const string Answer = """
        You answer a question about a GitLab merge request's diff, briefly and precisely, in Markdown. Say when the diff does not
        show enough to answer. Never repeat a secret, key or password you see; name its kind instead.
        """;

    private const string Description = """
        You write the description of a GitLab merge request from its diff: what it changes and why, in a few Markdown bullet
        points a reviewer reads first. No headings, no file-by-file list (one follows). Never repeat a secret, key or password.
        """;

    public static string Describe(string? instructions) => WithInstructions(Description, instructions);

    public static string Review(string? instructions) => WithInstructions(Findings, instructions);

    public static string Ask(string? instructions) => WithInstructions(Answer, instructions);

    /// <summary>The merge request as the model reads it: title, description, then each budgeted file's diff.</summary>
    public static string Change(GitLabMergeRequest mr, BudgetedDiff diff)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Title: {mr.Title}");
        var description = mr.Description ?? "";
        text.AppendLine(
            CultureInfo.InvariantCulture,
            $"Description: {(description.Length > 2_000 ? description[..2_000] + "…" : description)}"
        );
        foreach (var file in diff.Files)
        {
            var what =
                file.NewFile ? "new file"
                : file.DeletedFile ? "deleted"
                : file.RenamedFile ? $"renamed from {file.OldPath}"
                : "changed";
            text.AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"File: {file.Path} ({what})")
                .AppendLine("```diff")
                .Append(file.Text);
            text.AppendLine(file.Text.EndsWith('\n') ? "```" : "\n```");
        }

        if (diff.Skipped.Count > 0)
        {
            text.AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"Not shown: {string.Join(", ", diff.Skipped.Select(file => file.Path))}.");
        }

        return text.ToString();
    }

    private static string WithInstructions(string prompt, string? instructions) =>
        string.IsNullOrWhiteSpace(instructions) ? prompt : $"{prompt}\nThe project asks: {instructions.Trim()}";
}

using System.Text;
using GitLabBus.Gateway.Startup;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace GitLabBus.Gateway.Webhooks;

/// <summary>
/// Standard Webhooks signatures (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>), which GitLab sends
/// when the hook has a signing token: checked, when <c>GITLAB_WEBHOOK_SIGNING_TOKEN</c> is set, on top of
/// <c>X-Gitlab-Token</c>. The signature covers the id, the time and the body, so a body changed on the way, or a delivery
/// signed more than 5 minutes from now (a replay), is refused; a replay within the window is a duplicate by its key.
/// The comparison is the package's, in constant time.
/// </summary>
public sealed class WebhookSignature(GatewaySettings settings)
{
    public const string Id = "webhook-id";
    public const string Timestamp = "webhook-timestamp";
    public const string Signature = "webhook-signature";

    private readonly StandardWebhook? _verifier = settings.WebhookSigningToken is { } token ? new StandardWebhook(token) : null;

    /// <summary>Why the delivery's signature does not hold, or null when it does (or none is asked for).</summary>
    public string? Refusal(ReadOnlySpan<byte> body, IHeaderDictionary headers)
    {
        if (_verifier is null)
        {
            return null;
        }

        if (string.IsNullOrEmpty(headers[Id]) || string.IsNullOrEmpty(headers[Timestamp]) || string.IsNullOrEmpty(headers[Signature]))
        {
            return $"the delivery must be signed: {Id}, {Timestamp} and {Signature} are required";
        }

        try
        {
            _verifier.Verify(Encoding.UTF8.GetString(body), headers);
            return null;
        }
        catch (WebhookVerificationException refused)
        {
            return $"the delivery's signature does not hold ({refused.Message.TrimEnd('.')}); it must be signed within 5 minutes";
        }
    }

    /// <summary>Whether <paramref name="token"/> can sign at all (a <c>whsec_</c> prefix, then base64), for the settings check.</summary>
    public static bool IsUsable(string token)
    {
        try
        {
            _ = new StandardWebhook(token);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public override string ToString() => "WebhookSignature(***)";
}

using System.Security.Cryptography;
using System.Text;
using GitLabBus.Gateway.Startup;

namespace GitLabBus.Gateway.Webhooks;

/// <summary>
/// Checks <c>X-Gitlab-Token</c> in constant time. Both sides are hashed first so neither the length nor
/// the content of the expected secret leaks through timing.
/// </summary>
public sealed class WebhookSecret(GatewaySettings settings)
{
    private readonly byte[] _expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(settings.WebhookSecret));

    public bool Matches(string? presented)
    {
        Span<byte> presentedHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented ?? ""), presentedHash);
        return CryptographicOperations.FixedTimeEquals(presentedHash, _expectedHash) && !string.IsNullOrEmpty(presented);
    }

    public override string ToString() => "WebhookSecret(***)";
}

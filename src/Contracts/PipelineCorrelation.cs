using System.Security.Cryptography;
using System.Text;

namespace GitLabBus.Contracts;

/// <summary>
/// The pipeline monitor's correlation id: a name-based (version 5, SHA-1) UUID of <c>project:{id}:pipeline:{id}</c>, so
/// every webhook, poll and request about a pipeline finds the same saga without a lookup, on every replica.
/// Written here because .NET has no name-based UUID; the layout follows RFC 9562 section 5.5.
/// </summary>
public static class PipelineCorrelation
{
    // A namespace of our own (RFC 9562 lets any UUID serve), so these ids never collide with other v5 ids of the same text.
    private static readonly Guid Namespace = new("6f1c7a2e-3b8d-4c55-9d0e-4a7f2b61c9e3");

    /// <summary>The monitor of a pipeline; an organisation's are named within it (<c>org:acme:project:1:pipeline:5</c>), as the
    /// same ids name another pipeline at another GitLab.</summary>
    public static Guid For(long projectId, long pipelineId, string? orgId = null) =>
        NameBased(OrgScope.Name(orgId, $"project:{projectId}:pipeline:{pipelineId}"));

    /// <summary>The name-based id of <paramref name="name"/> (<c>project:1:target:main</c>): how every saga's id is made.</summary>
    public static Guid NameBased(string name)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetByteCount(name)];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}

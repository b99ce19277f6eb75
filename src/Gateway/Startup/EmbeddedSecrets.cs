using System.Text;

namespace GitLabBus.Gateway.Startup;

/// <summary>
/// The secrets an embedded gateway generated for its run, in a shell file only its user can read
/// (<c>{tmp}/gitlabbus-{user}/embedded-{port}.env</c>, mode 600, removed when the gateway stops): <c>source</c> it to get
/// <c>TOKEN</c>, <c>WEBHOOK_SECRET</c> and <c>LOCAL_JWT_SECRET</c>, and the <c>token</c> command signs with the secret in it.
/// It is how the secrets reach someone whose terminal is not the gateway's stdout (a service, a pipe, a log collector).
/// </summary>
public static class EmbeddedSecrets
{
    public const string Token = "TOKEN";
    public const string WebhookSecret = "WEBHOOK_SECRET";
    public const string JwtSecret = "LOCAL_JWT_SECRET";
    public const string AdminPassword = "ADMIN_PASSWORD";

    public static string PathFor(Uri gateway) =>
        Path.Combine(Path.GetTempPath(), $"gitlabbus-{Environment.UserName}", $"embedded-{gateway.Port}.env");

    public static string Write(Uri gateway, IReadOnlyDictionary<string, string> secrets)
    {
        var path = PathFor(gateway);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var text = new StringBuilder($"# GitLabBus embedded gateway {gateway}: secrets generated for this run\n");
        foreach (var (name, value) in secrets)
        {
            text.Append($"export {name}='{value}'\n");
        }

        // Created with mode 600 before anything is written: the secrets are never readable by others, not even briefly.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            file.Write(text.ToString());
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }

    /// <summary>The secrets of the embedded gateway at <paramref name="gateway"/>, or empty when none runs there.</summary>
    public static IReadOnlyDictionary<string, string> Read(Uri gateway)
    {
        var path = PathFor(gateway);
        if (!File.Exists(path))
        {
            return new Dictionary<string, string>();
        }

        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("export ", StringComparison.Ordinal) && line.IndexOf('=') is > 7 and var equals)
            {
                secrets[line[7..equals]] = line[(equals + 1)..].Trim('\'');
            }
        }

        return secrets;
    }

    public static void Remove(Uri gateway)
    {
        try
        {
            File.Delete(PathFor(gateway));
        }
        catch (IOException)
        {
            // Gone already, or in use by a reader: the temporary folder is cleaned by the system in the end.
        }
    }
}

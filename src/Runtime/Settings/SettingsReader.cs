using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace GitLabBus.Runtime.Settings;

/// <summary>
/// Reads the contract's environment variables (flat names such as <c>RABBITMQ_URL</c>) and fails with
/// one line naming the variable. Values are never echoed: some of them are secrets. Every setting may instead be given as
/// <c>NAME_FILE</c>, the path of a file holding it (the convention of Docker and Kubernetes secrets): the file's text,
/// trimmed, is the value; a file that cannot be read stops the process naming it.
/// </summary>
public sealed class SettingsReader(IConfiguration configuration)
{
    public const string FileSuffix = "_FILE";

    public string? Optional(string name)
    {
        var value = configuration[name];
        var file = configuration[name + FileSuffix];
        if (string.IsNullOrWhiteSpace(file))
        {
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        if (!string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidSettingException(name, $"and {name}{FileSuffix} are both set: give one of them");
        }

        return FromFile(name + FileSuffix, file.Trim());
    }

    private static string? FromFile(string setting, string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidSettingException(setting, $"names {path}, which cannot be read ({unreadable.GetType().Name})");
        }

        return string.IsNullOrWhiteSpace(text) ? throw new InvalidSettingException(setting, $"names {path}, which is empty") : text.Trim();
    }

    public string Required(string name) => Optional(name) ?? throw new InvalidSettingException(name, "is required but not set");

    public int Int(string name, int defaultValue, int min, int max)
    {
        var raw = Optional(name);
        if (raw is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new InvalidSettingException(name, $"must be a whole number from {min} to {max}");
        }

        return value;
    }

    public double Double(string name, double defaultValue, double min, double max)
    {
        var raw = Optional(name);
        if (raw is null)
        {
            return defaultValue;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new InvalidSettingException(name, $"must be a number from {min} to {max}");
        }

        return value;
    }

    public bool Bool(string name, bool defaultValue)
    {
        var raw = Optional(name);
        return raw?.ToLowerInvariant() switch
        {
            null => defaultValue,
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => throw new InvalidSettingException(name, "must be true or false"),
        };
    }

    public Uri? AbsoluteUri(string name, params string[] schemes)
    {
        var raw = Optional(name);
        if (raw is null)
        {
            return null;
        }

        if (
            !Uri.TryCreate(raw, UriKind.Absolute, out var uri)
            || !schemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(uri.Host)
        )
        {
            throw new InvalidSettingException(name, $"must be an absolute {string.Join(" or ", schemes.Select(s => s + "://"))} URL");
        }

        return uri;
    }
}

using GitLabBus.Runtime.Settings;
using Microsoft.Extensions.Configuration;

namespace GitLabBus.Tests.Runtime.Settings;

/// <summary>
/// Every setting may be given as <c>NAME_FILE</c>, the path of a file holding it (Docker and Kubernetes secrets): its
/// trimmed text is the value; a file that cannot be read, an empty one, or both forms at once stop start with one line.
/// </summary>
public sealed class When_a_setting_is_given_as_a_file : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gitlabbus-settings-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Should_take_the_files_text_trimmed_as_the_value()
    {
        var secret = Write("jwt", "a-jwt-secret-of-at-least-thirty-two-characters\n");

        var value = Reader(("LOCAL_JWT_SECRET_FILE", secret)).Optional("LOCAL_JWT_SECRET");

        Assert.Equal("a-jwt-secret-of-at-least-thirty-two-characters", value);
    }

    [Fact]
    public void Should_read_a_whole_setting_from_its_file_as_the_runtime_does()
    {
        var url = Write("redis", "redis://127.0.0.1:6379/7");

        var settings = RuntimeSettings.Read(Configuration(("REDIS_URL_FILE", url)));

        Assert.Equal(7, settings.Redis.Database);
    }

    [Fact]
    public void Should_stop_with_one_line_naming_a_missing_file_without_its_content()
    {
        var missing = Path.Combine(_folder, "nowhere");

        var failure = Assert.Throws<InvalidSettingException>(() => Reader(("GITLAB_TOKEN_FILE", missing)).Optional("GITLAB_TOKEN"));

        Assert.Equal("GITLAB_TOKEN_FILE", failure.Variable);
        Assert.Contains(missing, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [Fact]
    public void Should_refuse_an_empty_file_and_both_forms_at_once()
    {
        var empty = Write("empty", "  \n");
        var full = Write("full", "glpat-from-a-file");

        var blank = Assert.Throws<InvalidSettingException>(() => Reader(("GITLAB_TOKEN_FILE", empty)).Optional("GITLAB_TOKEN"));
        var both = Assert.Throws<InvalidSettingException>(() =>
            Reader(("GITLAB_TOKEN", "glpat-inline"), ("GITLAB_TOKEN_FILE", full)).Optional("GITLAB_TOKEN")
        );

        Assert.Contains("empty", blank.Message, StringComparison.Ordinal);
        Assert.Contains("both set", both.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("glpat-", both.Message, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static SettingsReader Reader(params (string Key, string Value)[] values) => new(Configuration(values));

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}

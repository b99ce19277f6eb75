using GitLabBus.Runtime.Hosting;
using GitLabBus.Runtime.Settings;

namespace GitLabBus.Tests.Runtime.Hosting;

/// <summary>A standalone consumers or sagas host alone in memory would hear nothing: it must refuse to start.</summary>
public sealed class When_a_role_host_starts_without_its_infrastructure
{
    private static void Build(params string[] args) => RoleHost.Build(args, "consumers", "http://127.0.0.1:0", (_, _) => _ => { });

    [Fact]
    public void Should_refuse_to_start_without_rabbitmq()
    {
        var failure = Assert.Throws<InvalidSettingException>(() => Build("--REDIS_URL=redis://127.0.0.1:6379"));

        Assert.Equal("RABBITMQ_URL", failure.Variable);
        Assert.Contains("consumers host", failure.Message);
    }

    [Fact]
    public void Should_refuse_to_start_without_redis()
    {
        var failure = Assert.Throws<InvalidSettingException>(() => Build("--RABBITMQ_URL=amqp://127.0.0.1/"));

        Assert.Equal("REDIS_URL", failure.Variable);
    }

    [Fact]
    public void Should_refuse_a_malformed_url_naming_the_variable()
    {
        var failure = Assert.Throws<InvalidSettingException>(() =>
            Build("--RABBITMQ_URL=rabbit:5672", "--REDIS_URL=redis://127.0.0.1:6379")
        );

        Assert.Equal("RABBITMQ_URL", failure.Variable);
    }
}

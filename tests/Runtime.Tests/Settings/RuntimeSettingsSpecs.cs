using GitLabBus.Runtime.Settings;
using Microsoft.Extensions.Configuration;

namespace GitLabBus.Tests.Runtime.Settings;

public sealed class RuntimeSettingsSpecs
{
    private static RuntimeSettings Read(params (string Key, string Value)[] values) =>
        RuntimeSettings.Read(
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build()
        );

    [Fact]
    public void Without_any_variable_everything_runs_in_memory_with_the_contract_defaults()
    {
        var settings = Read();

        Assert.True(settings.Bus.InMemory);
        Assert.True(settings.Bus.QuorumQueues);
        Assert.True(settings.Redis.InMemory);
        Assert.Equal(26_214_400, settings.Webhooks.MaxBytes);
    }

    [Theory]
    [InlineData("amqp://guest:guest@127.0.0.1:5672/gitlabbus", "127.0.0.1", 5672, "gitlabbus", "guest", false)]
    [InlineData("amqp://user:p%40ss@rabbit/%2F", "rabbit", 5672, "/", "user", false)]
    [InlineData("amqp://rabbit:5673", "rabbit", 5673, "/", "guest", false)]
    [InlineData("amqps://u:p@broker.example/prod%2Fone", "broker.example", 5671, "prod/one", "u", true)]
    public void A_rabbitmq_url_names_host_port_vhost_and_user(string url, string host, int port, string vhost, string user, bool tls)
    {
        var rabbit = Read(("RABBITMQ_URL", url)).Bus.RabbitMq!;

        Assert.Equal((host, port, vhost, user, tls), (rabbit.Host, rabbit.Port, rabbit.VirtualHost, rabbit.Username, rabbit.UseTls));
    }

    [Fact]
    public void A_rabbitmq_url_with_several_hosts_names_each_node_of_a_cluster()
    {
        var rabbit = Read(("RABBITMQ_URL", "amqp://u:p%2Cq@127.0.0.1:5672,127.0.0.1:5673,rabbit-3/gitlabbus")).Bus.RabbitMq!;

        Assert.True(rabbit.IsCluster);
        Assert.Equal(["127.0.0.1:5672", "127.0.0.1:5673", "rabbit-3:5672"], rabbit.Nodes.Select(node => node.ToString()));
        Assert.Equal(("gitlabbus", "u", "p,q"), (rabbit.VirtualHost, rabbit.Username, rabbit.Password));
        Assert.Equal("amqp://127.0.0.1:5672,127.0.0.1:5673,rabbit-3:5672/gitlabbus", rabbit.ToString());
    }

    [Fact]
    public void A_redis_url_with_several_hosts_names_a_clusters_seeds()
    {
        var redis = Read(("REDIS_URL", "redis://:s3cret@127.0.0.1:7001,127.0.0.1:7002,[::1]"), ("REDIS_PASSWORD", "other")).Redis;

        Assert.Equal(["127.0.0.1:7001", "127.0.0.1:7002", "[::1]:6379"], redis.Endpoints.Select(endpoint => endpoint.ToString()));
        Assert.Equal(("s3cret", 0), (redis.Password, redis.Database));
        Assert.Equal("Redis redis://127.0.0.1:7001,127.0.0.1:7002,[::1]:6379/0", redis.Describe());
    }

    [Fact]
    public void A_redis_url_without_a_password_takes_redis_password()
    {
        var redis = Read(("REDIS_URL", "rediss://cache.example:6380/3"), ("REDIS_PASSWORD", "from-env")).Redis;

        Assert.Equal(
            ("cache.example", 6380, true, "from-env", 3),
            (redis.Endpoints[0].Host, redis.Endpoints[0].Port, redis.UseTls, redis.Password, redis.Database)
        );
        Assert.Null(redis.User);
    }

    [Fact]
    public void A_rabbitmq_address_never_shows_its_password()
    {
        var rabbit = Read(("RABBITMQ_URL", "amqp://user:very-secret@rabbit:5672/v")).Bus;

        Assert.DoesNotContain("very-secret", rabbit.Describe());
        Assert.DoesNotContain("very-secret", rabbit.RabbitMq!.ToString());
    }

    [Theory]
    [InlineData("RABBITMQ_URL", "http://rabbit:5672")]
    [InlineData("RABBITMQ_URL", "not a url")]
    [InlineData("RABBITMQ_QUORUM_QUEUES", "maybe")]
    [InlineData("REDIS_URL", "redis://127.0.0.1:6379/zero")]
    [InlineData("REDIS_URL", "redis://127.0.0.1:7001,,127.0.0.1:7002")]
    [InlineData("RABBITMQ_URL", "amqp://127.0.0.1:5672,127.0.0.1:not-a-port/v")]
    [InlineData("REDIS_DB", "-1")]
    [InlineData("WEBHOOK_MAX_BYTES", "lots")]
    public void A_malformed_variable_stops_start_with_one_line_naming_it(string variable, string value)
    {
        var failure = Assert.Throws<InvalidSettingException>(() => Read((variable, value)));

        Assert.Equal(variable, failure.Variable);
        Assert.StartsWith($"configuration error: {variable} ", failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
        Assert.DoesNotContain(value, failure.Message);
    }

    [Fact]
    public void The_redis_database_comes_from_the_url_path_before_redis_db()
    {
        var redis = Read(("REDIS_URL", "redis://127.0.0.1:6379/5"), ("REDIS_DB", "2")).Redis;

        Assert.Equal(5, redis.Database);
    }
}

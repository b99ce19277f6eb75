using GitLabBus.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace GitLabBus.Tests.Architecture;

/// <summary>
/// <c>compose.yaml</c> and the <c>Dockerfile</c> as an operator uses them (no Docker engine runs the suite, so their shape
/// is what is checked): a GitLab to talk to, hosts started in order of readiness, cached restores, and the token command.
/// </summary>
public sealed class When_the_deployment_files_are_read
{
    private static readonly YamlMappingNode Services = (YamlMappingNode)Compose()["services"];

    [Fact]
    public void Should_run_a_gitlab_simulator_the_hosts_are_pointed_at()
    {
        Assert.True(Services.Children.ContainsKey("simulator"));
        foreach (var host in new[] { "gateway", "consumers", "sagas" })
        {
            Assert.Equal("http://simulator:8929", Environment(host)["GITLAB_BASE_URL"]);
            Assert.False(string.IsNullOrEmpty(Environment(host)["GITLAB_TOKEN"]));
        }
    }

    [Fact]
    public void Should_start_the_gateway_once_the_consumers_and_sagas_are_ready()
    {
        var dependsOn = (YamlMappingNode)Service("gateway")["depends_on"];

        foreach (var host in new[] { "consumers", "sagas" })
        {
            Assert.Equal("service_healthy", ((YamlMappingNode)dependsOn[host])["condition"].ToString());
            Assert.Contains("/health/ready", ((YamlMappingNode)Service(host)["healthcheck"])["test"].ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Should_restore_before_copying_the_sources_and_pass_arguments_to_the_host()
    {
        var lines = RepositoryFiles.Read("Dockerfile").Split('\n');
        var restore = Array.FindIndex(lines, line => line.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        var sources = Array.FindIndex(lines, line => line.StartsWith("COPY src/ ", StringComparison.Ordinal));

        Assert.InRange(restore, 1, sources - 1);
        Assert.DoesNotContain(lines, line => line.Trim() == "COPY . .");
        Assert.Contains(
            lines,
            line => line.StartsWith("ENTRYPOINT", StringComparison.Ordinal) && line.Contains("\\\"$@\\\"", StringComparison.Ordinal)
        );
        foreach (var project in Directory.GetFiles(Path.Combine(RepositoryFiles.Root, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepositoryFiles.Root, project).Replace('\\', '/');
            Assert.Contains(lines, line => line.StartsWith($"COPY {relative} ", StringComparison.Ordinal));
        }
    }

    private static YamlMappingNode Compose()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(RepositoryFiles.Read("compose.yaml")));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services[name];

    private static Dictionary<string, string> Environment(string service)
    {
        var environment = (YamlMappingNode)Service(service)["environment"];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in environment.Children)
        {
            if (key.ToString() == "<<" && value is YamlMappingNode merged)
            {
                foreach (var (mergedKey, mergedValue) in merged.Children)
                {
                    values.TryAdd(mergedKey.ToString(), mergedValue.ToString());
                }
            }
            else
            {
                values[key.ToString()] = value.ToString();
            }
        }

        return values;
    }
}

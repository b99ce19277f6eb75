using GitLabBus.GitLab;

namespace GitLabBus.Tests.GitLab;

/// <summary>How a project id or path goes into GitLab's URLs.</summary>
public sealed class When_a_project_is_named
{
    [Theory]
    [InlineData("1", "1")]
    [InlineData("demo/shop", "demo%2Fshop")]
    [InlineData("demo%2Fshop", "demo%2Fshop")]
    [InlineData("group/sub/my-project.v2", "group%2Fsub%2Fmy-project.v2")]
    public void Should_encode_it_once_however_it_came(string given, string encoded) => Assert.Equal(encoded, new ProjectRef(given).Encoded);
}

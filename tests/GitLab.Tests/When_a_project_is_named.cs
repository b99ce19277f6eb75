using GitLabBus.GitLab;

namespace GitLabBus.Tests.GitLab;

/// <summary>How a project id or path goes into GitLab's URLs, and which names are valid at all.</summary>
public sealed class When_a_project_is_named
{
    [Theory]
    [InlineData("1", "1")]
    [InlineData("demo/shop", "demo%2Fshop")]
    [InlineData("demo%2Fshop", "demo%2Fshop")]
    [InlineData("group/sub/my-project.v2", "group%2Fsub%2Fmy-project.v2")]
    public void Should_encode_it_once_however_it_came(string given, string encoded) => Assert.Equal(encoded, new ProjectRef(given).Encoded);

    [Theory]
    [InlineData("1", true)]
    [InlineData("demo/shop", true)]
    [InlineData("demo%2Fshop", true)]
    [InlineData("0", false)]
    [InlineData("-4", false)]
    [InlineData("shop", false)]
    [InlineData("demo/", false)]
    [InlineData("demo/sh op", false)]
    [InlineData("", false)]
    public void Should_accept_positive_ids_and_full_paths_only(string given, bool valid) => Assert.Equal(valid, ProjectRef.IsIdOrPath(given));
}

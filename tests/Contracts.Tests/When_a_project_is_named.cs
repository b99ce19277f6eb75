using GitLabBus.Contracts;

namespace GitLabBus.Tests.Contracts;

/// <summary>Which project names a message or request may carry, and the one spelling all names of a project share.</summary>
public sealed class When_a_project_is_named
{
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
    public void Should_accept_positive_ids_and_full_paths_only(string given, bool valid) =>
        Assert.Equal(valid, ProjectNames.IsIdOrPath(given));

    [Theory]
    [InlineData("Demo%2FShop", "demo/shop")]
    [InlineData(" demo/shop ", "demo/shop")]
    [InlineData("42", "42")]
    public void Should_spell_every_name_of_a_project_the_same(string given, string canonical) =>
        Assert.Equal(canonical, ProjectNames.Canonical(given));
}

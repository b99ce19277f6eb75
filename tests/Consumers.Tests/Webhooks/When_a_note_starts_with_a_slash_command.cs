using GitLabBus.Consumers.Webhooks;
using GitLabBus.Contracts;

namespace GitLabBus.Tests.Consumers.Webhooks;

public sealed class When_a_note_starts_with_a_slash_command
{
    [Theory]
    [InlineData("/review", "review", "")]
    [InlineData("/merge --squash now", "merge", "--squash now")]
    [InlineData("  /Review please\nand more text", "review", "please")]
    [InlineData("/rebase\r\nthanks", "rebase", "")]
    public void Should_parse_its_name_and_arguments(string note, string name, string arguments)
    {
        Assert.Equal(new SlashCommand(name, arguments), SlashCommandParser.Parse(note));
    }

    [Theory]
    [InlineData("This MR needs work.")]
    [InlineData("see /docs/setup.md")]
    [InlineData("/docs/setup.md is wrong")]
    [InlineData("/ spaced")]
    [InlineData("//comment")]
    [InlineData("")]
    public void Should_find_no_command_in_an_ordinary_note(string note)
    {
        Assert.Null(SlashCommandParser.Parse(note));
    }
}

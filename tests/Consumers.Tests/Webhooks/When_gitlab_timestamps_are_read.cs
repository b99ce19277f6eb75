using GitLabBus.Consumers.Webhooks;

namespace GitLabBus.Tests.Consumers.Webhooks;

public sealed class When_gitlab_timestamps_are_read
{
    [Theory]
    [InlineData("2013-12-03T17:15:43Z", "2013-12-03T17:15:43+00:00")]
    [InlineData("2015-05-17 18:21:36 UTC", "2015-05-17T18:21:36+00:00")]
    [InlineData("2012-01-03T23:36:29+02:00", "2012-01-03T23:36:29+02:00")]
    [InlineData("2015-04-08T21: 00:25-07:00", "2015-04-08T21:00:25-07:00")]
    [InlineData("2021-02-23T02:41:37.886Z", "2021-02-23T02:41:37.886+00:00")]
    [InlineData("2016-08-12 15:23:28 +0200", "2016-08-12T15:23:28+02:00")]
    public void Should_accept_every_format_gitlab_uses(string text, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected), GitLabPayload.ParseTimestamp(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    public void Should_give_null_for_what_is_not_a_time(string? text)
    {
        Assert.Null(GitLabPayload.ParseTimestamp(text));
    }
}

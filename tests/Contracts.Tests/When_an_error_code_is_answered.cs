using System.Reflection;
using GitLabBus.Contracts;

namespace GitLabBus.Tests.Contracts;

/// <summary>The one table from the contract's error codes to HTTP statuses.</summary>
public sealed class When_an_error_code_is_answered
{
    public static TheoryData<string> Codes() =>
        [
            .. typeof(ErrorCodes)
                .GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(field => field.IsLiteral)
                .Select(field => (string)field.GetValue(null)!),
        ];

    [Theory]
    [MemberData(nameof(Codes))]
    public void Should_give_every_code_of_the_contract_its_status(string code)
    {
        var status = ErrorCodes.StatusFor(code);

        Assert.True(code == ErrorCodes.Internal ? status == 500 : status is >= 400 and < 500 or 503, $"{code} → {status}");
    }

    [Theory]
    [InlineData(ErrorCodes.InvalidRequest, 400)]
    [InlineData(ErrorCodes.IdempotencyKeyRequired, 400)]
    [InlineData(ErrorCodes.Unauthorized, 401)]
    [InlineData(ErrorCodes.Forbidden, 403)]
    [InlineData(ErrorCodes.NotFound, 404)]
    [InlineData(ErrorCodes.Conflict, 409)]
    [InlineData(ErrorCodes.PayloadTooLarge, 413)]
    [InlineData(ErrorCodes.RateLimited, 429)]
    [InlineData(ErrorCodes.GitLabUnavailable, 503)]
    [InlineData(ErrorCodes.BusUnavailable, 503)]
    [InlineData(ErrorCodes.ReviewUnavailable, 503)]
    [InlineData("something_new", 500)]
    public void Should_answer_the_status_the_contract_names(string code, int status) => Assert.Equal(status, ErrorCodes.StatusFor(code));

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(413)]
    [InlineData(429)]
    public void Should_read_a_bare_status_back_as_the_code_that_answers_it(int status) =>
        Assert.Equal(status, ErrorCodes.StatusFor(ErrorCodes.ForStatus(status)));
}

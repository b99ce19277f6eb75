using GitLabBus.Consumers.Embeddings;

namespace GitLabBus.Tests.Consumers.Embeddings;

/// <summary>The local provider on a small labelled set: near-duplicate titles close, unrelated titles far apart.</summary>
public sealed class When_titles_are_embedded_locally
{
    public static TheoryData<string, string> NearDuplicates() =>
        new()
        {
            { "Fix login timeout", "Login times out" },
            { "Cart total ignores discounts", "Discounts ignored in cart total" },
            { "Add dark mode to settings page", "Settings page: add a dark mode" },
            { "Checkout page slow on mobile", "Slow checkout page on mobile devices" },
            { "Upgrade PostgreSQL to 16", "Upgrade Postgres to version 16" },
            { "Typo-tolerant product search", "Product search tolerant of typos" },
        };

    public static TheoryData<string, string> Unrelated() =>
        new()
        {
            { "Fix login timeout", "Product images missing alt text" },
            { "Cart total ignores discounts", "Document the plugin API" },
            { "Add dark mode to settings page", "Rotate service keys" },
            { "Upgrade PostgreSQL to 16", "Express checkout button" },
            { "Typo-tolerant product search", "Security hardening" },
        };

    [Theory]
    [MemberData(nameof(NearDuplicates))]
    public void Should_score_near_duplicates_high(string title, string other) =>
        Assert.True(Cosine(title, other) >= 0.35, $"{Cosine(title, other):0.00} for '{title}' / '{other}'");

    [Theory]
    [MemberData(nameof(Unrelated))]
    public void Should_score_unrelated_titles_low(string title, string other) =>
        Assert.True(Cosine(title, other) <= 0.2, $"{Cosine(title, other):0.00} for '{title}' / '{other}'");

    [Fact]
    public void Should_rank_every_near_duplicate_above_every_unrelated_pair()
    {
        var lowestNear = NearDuplicates().Select(pair => Cosine((string)pair[0], (string)pair[1])).Min();
        var highestUnrelated = Unrelated().Select(pair => Cosine((string)pair[0], (string)pair[1])).Max();

        Assert.True(lowestNear > highestUnrelated, $"{lowestNear:0.00} <= {highestUnrelated:0.00}");
    }

    [Fact]
    public async Task Should_be_deterministic_unit_length_and_ignore_case_and_accents()
    {
        var vectors = await new LocalEmbeddingProvider().EmbedAsync(["Café menu", "CAFE MENU", ""], CancellationToken.None);

        Assert.Equal(vectors[0], vectors[1]);
        Assert.Equal(LocalEmbeddingProvider.Dimensions, vectors[0].Length);
        Assert.Equal(1.0, Math.Sqrt(vectors[0].Sum(value => (double)value * value)), 5);
        Assert.All(vectors[2], value => Assert.Equal(0f, value));
        Assert.Equal(vectors[0], LocalEmbeddingProvider.Embed("Café menu"));
    }

    private static double Cosine(string a, string b)
    {
        var (x, y) = (LocalEmbeddingProvider.Embed(a), LocalEmbeddingProvider.Embed(b));
        return x.Zip(y).Sum(pair => (double)pair.First * pair.Second);
    }
}

using System.Globalization;
using System.Numerics.Tensors;
using GitLabBus.Consumers.Embeddings;
using Xunit.Abstractions;

namespace GitLabBus.Tests.Consumers.Embeddings;

/// <summary>
/// The labelled pairs of <see cref="TitlePairs"/> through the providers that run offline: the sentence model separates the same
/// work said twice from unrelated work by a wide margin, where the hashing provider cannot (its figures are printed beside).
/// </summary>
public sealed class When_similar_titles_are_scored(ITestOutputHelper output)
{
    /// <summary>
    /// How far the lowest duplicate pair must score above the highest unrelated one. Seen on 2026-12-02: minilm 0.455 (duplicates
    /// 0.589 to 0.901, unrelated -0.114 to 0.133), the hashing provider -0.147 (duplicates from 0.056, unrelated up to 0.203).
    /// </summary>
    private const float Margin = 0.3f;

    [Fact]
    public async Task Should_score_every_duplicate_pair_above_every_unrelated_pair_by_the_margin_with_minilm()
    {
        var minilm = await ScoresAsync(new MiniLmEmbeddingProvider(Settings()));
        var local = await ScoresAsync(new LocalEmbeddingProvider());
        Print("minilm", minilm);
        Print("local", local);

        Assert.True(TitlePairs.Duplicates.Length + TitlePairs.NearDuplicates.Length + TitlePairs.Unrelated.Length >= 60);
        Assert.True(
            minilm.Duplicates.Min() - minilm.Unrelated.Max() >= Margin,
            $"lowest duplicate {minilm.Duplicates.Min():0.000}, highest unrelated {minilm.Unrelated.Max():0.000}"
        );
        Assert.True(minilm.NearDuplicates.Average() > minilm.Unrelated.Average());
        Assert.True(minilm.Duplicates.Average() > minilm.NearDuplicates.Average());
    }

    private static async Task<Scores> ScoresAsync(IEmbeddingProvider provider) =>
        new(
            await ScoreAsync(provider, TitlePairs.Duplicates),
            await ScoreAsync(provider, TitlePairs.NearDuplicates),
            await ScoreAsync(provider, TitlePairs.Unrelated)
        );

    private static async Task<float[]> ScoreAsync(IEmbeddingProvider provider, (string, string)[] pairs)
    {
        var vectors = await provider.EmbedAsync([.. pairs.SelectMany(pair => new[] { pair.Item1, pair.Item2 })], CancellationToken.None);
        return [.. pairs.Select((_, i) => TensorPrimitives.CosineSimilarity(vectors[2 * i], vectors[2 * i + 1]))];
    }

    private void Print(string name, Scores scores) =>
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{name}: duplicates {Range(scores.Duplicates)}, near duplicates {Range(scores.NearDuplicates)}, unrelated "
                    + $"{Range(scores.Unrelated)}; lowest duplicate - highest unrelated = "
                    + $"{scores.Duplicates.Min() - scores.Unrelated.Max():0.000}"
            )
        );

    private static string Range(float[] scores) =>
        string.Create(CultureInfo.InvariantCulture, $"{scores.Min():0.000}..{scores.Max():0.000} (mean {scores.Average():0.000})");

    internal static EmbeddingSettings Settings() =>
        new("minilm", null, null, null, "text-embedding-3-small", null, 16, 2, Math.Min(Environment.ProcessorCount, 4), 250_000);

    private sealed record Scores(float[] Duplicates, float[] NearDuplicates, float[] Unrelated);
}

using System.Globalization;
using System.Text;

namespace GitLabBus.Consumers.Embeddings;

/// <summary>
/// A real text embedding computed in this process, offline and deterministic (the default provider). Each title is
/// lowercased and split into words; its features are the words (weight 1), adjacent word pairs (0.75) and the
/// character trigrams of each word with boundary marks (0.5), each hashed (FNV-1a) to one of <see cref="Dimensions"/>
/// coordinates with a hashed sign, and the vector is scaled to length 1. Titles that share words and word pieces
/// ("Fix login timeout" and "Login times out") get a high cosine similarity; titles with nothing in common score near 0.
/// Written here because no library served here embeds text offline.
/// </summary>
public sealed class LocalEmbeddingProvider : IEmbeddingProvider
{
    public const int Dimensions = 256;

    public string Name => "local";

    public string Model => "local/hashed-words-256";

    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        Task.FromResult(texts.Select(Embed).ToArray());

    public static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        var words = Words(text);
        for (var i = 0; i < words.Count; i++)
        {
            Add(vector, words[i], 1f);
            if (i + 1 < words.Count)
            {
                Add(vector, words[i] + " " + words[i + 1], 0.75f);
            }

            var marked = $"<{words[i]}>";
            for (var start = 0; start + 3 <= marked.Length; start++)
            {
                Add(vector, marked.Substring(start, 3), 0.5f);
            }
        }

        var length = MathF.Sqrt(vector.Sum(value => value * value));
        if (length > 0)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] /= length;
            }
        }

        return vector;
    }

    /// <summary>Letters and digits, lowercased, diacritics removed; everything else separates words.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    private static void Add(float[] vector, string feature, float weight)
    {
        var hash = Fnv1a(feature);
        vector[(int)(hash % Dimensions)] += (hash & 0x8000_0000) == 0 ? weight : -weight;
    }

    private static uint Fnv1a(string feature)
    {
        var hash = 2166136261u;
        foreach (var c in feature)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}

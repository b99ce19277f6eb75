using GitLabBus.Consumers.Embeddings;

namespace GitLabBus.Tests.Consumers.Embeddings;

public sealed class When_vectors_are_normalised
{
    [Fact]
    public void Should_scale_each_to_length_one_and_leave_a_zero_vector_alone()
    {
        var vectors = new[] { new[] { 3f, 4f }, new[] { 0f, 0f }, new[] { 0.6f, 0.8f } }.Normalised();

        Assert.Equal([0.6f, 0.8f], vectors[0]);
        Assert.Equal([0f, 0f], vectors[1]);
        Assert.Equal([0.6f, 0.8f], vectors[2]);
    }
}

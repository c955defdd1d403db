using Maas.Buffers;
using Maas.Inference;
using Maas.Tensors;

namespace Maas.Abstractions.Tests.Inference;

public class InferenceRequestTests
{
    [Fact]
    public void Constructor_KeepsNameAndVersion()
    {
        using var request = new InferenceRequest("resnet", "3");

        Assert.Equal("resnet", request.ModelName);
        Assert.Equal("3", request.ModelVersion);
        Assert.Empty(request.Inputs);
        Assert.Null(request.Outputs);
    }

    [Fact]
    public void Constructor_WithoutVersion_MeansTheDefaultVersion()
    {
        using var request = new InferenceRequest("resnet");

        Assert.Null(request.ModelVersion);
    }

    [Fact]
    public void Constructor_WhenNameIsNull_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new InferenceRequest(null!));
    }

    [Fact]
    public void Dispose_ReturnsTheBuffersBackingTheInputs()
    {
        var request = new InferenceRequest("add");
        var buffer = new PooledBuffer(16);
        request.Own(buffer);
        request.Inputs.Add(new Tensor("a", DataType.Fp32, TensorShape.Of(4), buffer.Memory));

        request.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.Memory);
    }

    [Fact]
    public void Dispose_Twice_DisposesOwnedResourcesOnce()
    {
        var request = new InferenceRequest("add");
        var counter = new CountingDisposable();
        request.Own(counter);

        request.Dispose();
        request.Dispose();

        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public void Own_WhenNull_Throws()
    {
        using var request = new InferenceRequest("add");

        Assert.Throws<ArgumentNullException>(() => request.Own(null!));
    }
}

using Maas.Buffers;
using Maas.Inference;
using Maas.Tensors;

namespace Maas.Abstractions.Tests.Inference;

public class InferenceResponseTests
{
    [Fact]
    public void Constructor_KeepsModelAndConcreteVersion()
    {
        using var response = new InferenceResponse("add", "2");

        Assert.Equal("add", response.ModelName);
        Assert.Equal("2", response.ModelVersion);
        Assert.Null(response.Id);
        Assert.Empty(response.Outputs);
    }

    [Fact]
    public void Dispose_ReturnsTheBuffersBackingTheOutputs()
    {
        var response = new InferenceResponse("add", "1");
        var buffer = new PooledBuffer(16);
        var writer = new PooledBufferWriter();
        response.Own(buffer);
        response.Own(writer);
        BytesElements.Write(writer, "x"u8);
        response.Outputs.Add(new Tensor("sum", DataType.Fp32, TensorShape.Of(4), buffer.Memory));
        response.Outputs.Add(new Tensor("text", DataType.Bytes, TensorShape.Of(1), writer.WrittenMemory));

        response.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.Memory);
        Assert.Equal(0, writer.WrittenCount);
    }

    [Fact]
    public void Dispose_Twice_DisposesOwnedResourcesOnce()
    {
        var response = new InferenceResponse("add", "1");
        var counter = new CountingDisposable();
        response.Own(counter);

        response.Dispose();
        response.Dispose();

        Assert.Equal(1, counter.Count);
    }
}

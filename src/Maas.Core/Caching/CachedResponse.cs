using Maas.Buffers;
using Maas.Inference;
using Maas.Tensors;

namespace Maas.Core.Caching;

/// <summary>
/// A response kept by <see cref="ResponseCache"/>: the output tensors copied out of the engine's
/// buffers (the original response is disposed as usual). Each hit gets its own copy, owned by
/// the caller like any response, so a cached entry can be evicted while a hit is being written.
/// </summary>
internal sealed class CachedResponse
{
    private readonly (string Name, DataType Type, long[] Shape, byte[] Data)[] _outputs;

    private CachedResponse((string, DataType, long[], byte[])[] outputs, string modelName, string modelVersion, long bytes)
    {
        _outputs = outputs;
        ModelName = modelName;
        ModelVersion = modelVersion;
        Bytes = bytes;
    }

    public string ModelName { get; }

    public string ModelVersion { get; }

    /// <summary>What the entry costs the budget: its tensor bytes plus a fixed overhead per tensor.</summary>
    public long Bytes { get; }

    public static CachedResponse From(InferenceResponse response)
    {
        var outputs = new (string, DataType, long[], byte[])[response.Outputs.Count];
        long bytes = 256;
        for (var i = 0; i < outputs.Length; i++)
        {
            var tensor = response.Outputs[i];
            outputs[i] = (tensor.Name, tensor.DataType, tensor.Shape.ToArray(), tensor.Data.ToArray());
            bytes += tensor.Data.Length + 128;
        }

        return new CachedResponse(outputs, response.ModelName, response.ModelVersion, bytes);
    }

    /// <summary>A new response with copies of the outputs in pooled buffers it owns.</summary>
    public InferenceResponse ToResponse(string? id)
    {
        var response = new InferenceResponse(ModelName, ModelVersion) { Id = id };
        foreach (var (name, type, shape, data) in _outputs)
        {
            var buffer = new PooledBuffer(data.Length);
            response.Own(buffer);
            data.CopyTo(buffer.Span);
            response.Outputs.Add(new Tensor(name, type, new TensorShape(shape), buffer.Memory));
        }

        return response;
    }
}

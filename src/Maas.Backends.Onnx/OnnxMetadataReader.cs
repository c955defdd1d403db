using Maas.Errors;
using Maas.Models;
using Maas.Tensors;
using Microsoft.ML.OnnxRuntime;
using ModelMetadata = Maas.Models.ModelMetadata;

namespace Maas.Backends.Onnx;

/// <summary>Derives the protocol signature (names, datatypes, shapes with dynamic dims) from a session.</summary>
internal static class OnnxMetadataReader
{
    /// <summary>The KServe v2 platform string for ONNX Runtime models, as Triton reports it.</summary>
    public const string Platform = "onnxruntime_onnx";

    public static ModelMetadata Read(InferenceSession session)
    {
        return new ModelMetadata(
            Platform,
            ReadAll(session.InputNames, session.InputMetadata, "input"),
            ReadAll(session.OutputNames, session.OutputMetadata, "output"));
    }

    private static TensorMetadata[] ReadAll(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata, string kind)
    {
        var result = new TensorMetadata[names.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = ReadOne(names[i], metadata[names[i]], kind);
        }

        return result;
    }

    private static TensorMetadata ReadOne(string name, NodeMetadata node, string kind)
    {
        if (!node.IsTensor)
        {
            throw MaasError.Unsupported($"The model's {kind} '{name}' is a {node.OnnxValueType}; the KServe v2 protocol carries only tensors. Export the model with tensor {kind}s (for scikit-learn classifiers: zipmap=False).");
        }

        if (!DataTypes.TryFromOnnx((int)node.ElementDataType, out var dataType))
        {
            throw MaasError.Unsupported($"The model's {kind} '{name}' has ONNX element type {node.ElementDataType}, which the KServe v2 protocol has no datatype for.");
        }

        var dims = new long[node.Dimensions.Length];
        for (var d = 0; d < dims.Length; d++)
        {
            // ONNX Runtime reports symbolic and unknown dimensions as -1, the protocol's "any size".
            dims[d] = node.Dimensions[d] < 0 ? TensorShape.Dynamic : node.Dimensions[d];
        }

        return new TensorMetadata(name, dataType, new TensorShape(dims));
    }
}

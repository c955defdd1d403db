using Maas.Errors;
using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Pruning;

/// <summary>
/// Removes weights from a model's MatMul, Gemm and Conv layers: zeroes the smallest ones
/// (unstructured) or removes whole channels and shrinks the next layer to match (structured).
/// Nodes it cannot prune stay as they are and are listed in the result.
/// </summary>
public static class ModelPruner
{
    /// <summary>Reads <paramref name="inputPath"/>, prunes it, writes <paramref name="outputPath"/>.</summary>
    public static PruningResult PruneFile(string inputPath, string outputPath, PruningOptions options, IProgress<PruningProgress>? progress = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfInvalid(options); // before reading a large file
        var model = OnnxModelFile.Read(inputPath);
        ExternalData.Load(model, Path.GetDirectoryName(Path.GetFullPath(inputPath)) ?? ".");
        var result = Prune(model, options, progress);
        OnnxModelFile.Write(result.Model, outputPath);
        return result;
    }

    /// <summary>
    /// Prunes <paramref name="model"/> in place (the caller gives up the original) and returns what
    /// changed. External data must have been loaded (<see cref="ExternalData.Load"/>). Throws
    /// InvalidArgument when the options are invalid or nothing in the model can be pruned.
    /// </summary>
    public static PruningResult Prune(ModelProto model, PruningOptions options, IProgress<PruningProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfInvalid(options);
        var (parametersBefore, zerosBefore) = Count(model);
        var (tensors, skipped) = options.Structured
            ? new StructuredPruningPass(model, options, progress).Run()
            : new UnstructuredPruningPass(model, options, progress).Run();
        if (tensors.Count == 0)
        {
            var reasons = skipped.Count == 0
                ? "it has no MatMul, Gemm or Conv node with a stored float weight"
                : string.Join("; ", skipped.Take(5).Select(s => $"{s.Name} ({s.OpType}): {s.Reason}")) + (skipped.Count > 5 ? $"; and {skipped.Count - 5} more" : string.Empty);
            throw MaasError.InvalidArgument($"Nothing to prune in this model: {reasons}.");
        }

        var (parametersAfter, zerosAfter) = Count(model);
        return new PruningResult(model, options.Structured, tensors, skipped, parametersBefore, parametersAfter, zerosBefore, zerosAfter);
    }

    private static void ThrowIfInvalid(PruningOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw MaasError.InvalidArgument("Invalid pruning options: " + string.Join(" ", errors));
        }
    }

    /// <summary>Initializer elements, and zero elements among the float ones.</summary>
    private static (long Elements, long Zeros) Count(ModelProto model)
    {
        long elements = 0, zeros = 0;
        foreach (var tensor in model.Graph.Initializer)
        {
            elements += TensorData.ElementCount(tensor);
            if (tensor.DataType == OnnxDataType.Float && !ExternalData.IsExternal(tensor))
            {
                zeros += MagnitudePruning.CountZeros(TensorData.ReadFloats(tensor));
            }
        }

        return (elements, zeros);
    }
}

using Maas.Errors;
using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Quantization;

/// <summary>
/// Makes a model smaller by storing its weights in fewer bits (see <see cref="QuantizationMode"/>).
/// Nodes it cannot rewrite stay as they are and are listed in the result.
/// </summary>
public static class ModelQuantizer
{
    /// <summary>Reads <paramref name="inputPath"/>, quantizes it, writes <paramref name="outputPath"/>.</summary>
    public static QuantizationResult QuantizeFile(string inputPath, string outputPath, QuantizationOptions options, IProgress<QuantizationProgress>? progress = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        var model = OnnxModelFile.Read(inputPath);
        ExternalData.Load(model, Path.GetDirectoryName(Path.GetFullPath(inputPath)) ?? ".");
        var result = Quantize(model, options, progress);
        OnnxModelFile.Write(result.Model, outputPath);
        return result;
    }

    /// <summary>
    /// Quantizes <paramref name="model"/> in place (the caller gives up the original) and returns
    /// what changed. External data must have been loaded (<see cref="ExternalData.Load"/>).
    /// </summary>
    public static QuantizationResult Quantize(ModelProto model, QuantizationOptions options, IProgress<QuantizationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw MaasError.InvalidArgument("Invalid quantization options: " + string.Join(" ", errors));
        }

        return options.Mode == QuantizationMode.Float16
            ? new Float16Pass(model, options, progress).Run()
            : new QuantizationPass(model, options, progress).Run();
    }
}

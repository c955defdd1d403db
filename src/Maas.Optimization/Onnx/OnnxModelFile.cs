using Google.Protobuf;
using Maas.Errors;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Onnx;

/// <summary>
/// Reads and writes ONNX model files (a serialized <see cref="ModelProto"/>).
/// </summary>
/// <remarks>
/// Reading then writing an unchanged model reproduces the file byte for byte when the producer
/// wrote canonical protobuf (fields in number order), as ONNX's own serializer and every major
/// exporter do. Tensors kept in external files are left as references by <see cref="Read"/>;
/// <see cref="ExternalData.Load"/> brings them in when a tool needs the weights.
/// </remarks>
public static class OnnxModelFile
{
    /// <summary>The largest file protobuf can hold: 2 GiB − 1.</summary>
    public const long MaxModelBytes = int.MaxValue;

    /// <summary>Reads a model file; throws <see cref="MaasError"/> (NotFound, InvalidArgument) with the fix.</summary>
    public static ModelProto Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw MaasError.NotFound($"Model file '{path}' does not exist. Give the path of a .onnx file.");
        }

        if (info.Length > MaxModelBytes)
        {
            throw MaasError.InvalidArgument(
                $"Model file '{path}' is {info.Length:N0} bytes; an ONNX file holds at most {MaxModelBytes:N0} (the protobuf limit). Larger models keep their weights in external data files beside a small .onnx.");
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses model bytes; <paramref name="sourceName"/> names the source in error messages.</summary>
    public static ModelProto Parse(byte[] bytes, string sourceName = "model")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw NotOnnx(sourceName, $"it does not parse as an ONNX ModelProto ({ex.Message})");
        }

        if (model.IrVersion <= 0)
        {
            throw NotOnnx(sourceName, "it has no ir_version");
        }

        if (model.Graph is null)
        {
            throw NotOnnx(sourceName, "it has no graph");
        }

        return model;
    }

    /// <summary>Serializes a model; throws when it would pass the 2 GiB protobuf limit.</summary>
    public static byte[] ToBytes(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var size = model.CalculateSize();
        if (size < 0 || size > MaxModelBytes)
        {
            throw MaasError.ResourceExhausted($"The model serializes to more than {MaxModelBytes:N0} bytes, the protobuf limit; Maas does not write external data files yet.");
        }

        return model.ToByteArray();
    }

    /// <summary>Writes a model file (replacing any file at <paramref name="path"/>), creating its folder.</summary>
    public static void Write(ModelProto model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = ToBytes(model);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllBytes(path, bytes);
    }

    private static MaasError NotOnnx(string source, string reason) =>
        MaasError.InvalidArgument($"'{source}' is not an ONNX model: {reason}. Give a .onnx file as exported by PyTorch, TensorFlow (tf2onnx) or another ONNX producer.");
}

using Google.Protobuf;
using Maas.Errors;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Onnx;

/// <summary>
/// Tensors whose bytes live in files beside the model (<c>data_location = 1</c>, with
/// <c>location</c>, <c>offset</c> and <c>length</c> entries in <c>external_data</c>).
/// </summary>
public static class ExternalData
{
    /// <summary>The <c>data_location</c> value that marks external data.</summary>
    public const int ExternalLocation = 1;

    /// <summary>True when the tensor's bytes are in an external file.</summary>
    public static bool IsExternal(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.DataLocation == ExternalLocation;
    }

    /// <summary>Every initializer of the main graph that keeps its data in an external file.</summary>
    public static IReadOnlyList<TensorProto> ExternalTensors(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var list = new List<TensorProto>();
        foreach (var tensor in model.Graph.Initializer)
        {
            if (IsExternal(tensor))
            {
                list.Add(tensor);
            }
        }

        return list;
    }

    /// <summary>
    /// Reads every external tensor of the main graph into its <c>raw_data</c> and clears the
    /// reference, so the model becomes self-contained (as long as it stays under 2 GiB).
    /// </summary>
    /// <param name="model">The model, changed in place.</param>
    /// <param name="modelDirectory">The folder of the .onnx file; locations are relative to it.</param>
    /// <returns>How many tensors were loaded.</returns>
    public static int Load(ModelProto model, string modelDirectory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(modelDirectory);
        var loaded = 0;
        long total = 0;
        foreach (var tensor in ExternalTensors(model))
        {
            var bytes = ReadTensorBytes(tensor, modelDirectory);
            total += bytes.Length;
            if (total > OnnxModelFile.MaxModelBytes)
            {
                throw MaasError.Unsupported(
                    $"The external data of this model passes {OnnxModelFile.MaxModelBytes:N0} bytes; Maas can only work on models whose weights fit in one ONNX file (2 GiB).");
            }

            tensor.RawData = ByteString.CopyFrom(bytes);
            tensor.ExternalData.Clear();
            tensor.ClearDataLocation();
            loaded++;
        }

        return loaded;
    }

    private static byte[] ReadTensorBytes(TensorProto tensor, string modelDirectory)
    {
        string? location = null;
        long offset = 0;
        long length = -1;
        foreach (var entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location":
                    location = entry.Value;
                    break;
                case "offset":
                    offset = ParseNumber(tensor, entry);
                    break;
                case "length":
                    length = ParseNumber(tensor, entry);
                    break;
            }
        }

        if (string.IsNullOrEmpty(location))
        {
            throw MaasError.InvalidArgument($"Tensor '{tensor.Name}' is marked as external data but names no 'location'. Re-export the model.");
        }

        var path = Path.Combine(modelDirectory, location);
        if (!File.Exists(path))
        {
            throw MaasError.NotFound(
                $"Tensor '{tensor.Name}' keeps its data in '{location}', which is missing ({path}). Keep the external data files beside the .onnx file.");
        }

        using var stream = File.OpenRead(path);
        if (length < 0)
        {
            length = stream.Length - offset;
        }

        if (offset < 0 || length < 0 || offset + length > stream.Length || length > int.MaxValue)
        {
            throw MaasError.InvalidArgument(
                $"Tensor '{tensor.Name}' asks for bytes {offset}..{offset + length} of '{location}', which has {stream.Length:N0} bytes. The external data file does not match the model.");
        }

        var bytes = new byte[length];
        stream.Position = offset;
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static long ParseNumber(TensorProto tensor, StringStringEntryProto entry) =>
        long.TryParse(entry.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw MaasError.InvalidArgument($"Tensor '{tensor.Name}' has external_data {entry.Key}='{entry.Value}', which is not a non-negative integer.");
}

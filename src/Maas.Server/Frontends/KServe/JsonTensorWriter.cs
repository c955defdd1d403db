using System.Text.Json;
using Maas.Tensors;

namespace Maas.Server.Frontends.KServe;

/// <summary>Writes a tensor's elements as a flat JSON array, as KServe v2 clients expect (non-finite floats as "NaN"/"Infinity" strings).</summary>
internal static class JsonTensorWriter
{
    public static void WriteData(Utf8JsonWriter writer, Tensor tensor) =>
        TensorJsonWriter.Write(writer, tensor.Name, tensor.DataType, tensor.Data.Span);
}

using System.Globalization;
using System.Text.Json;
using Maas.Buffers;
using Maas.Inference;
using Maas.Tensors;
using Microsoft.AspNetCore.Http;

namespace Maas.Server.Frontends.KServe;

/// <summary>
/// Writes a canonical response as KServe v2 JSON, with outputs in binary form (the binary tensor
/// data extension) when the request asked: per output <c>parameters.binary_data</c>, or for all
/// outputs the request-level <c>binary_data_output</c>.
/// </summary>
internal static class KServeInferResponseWriter
{
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    public static async Task WriteAsync(HttpResponse http, InferenceRequest request, InferenceResponse response, CancellationToken cancellationToken)
    {
        var binary = ChooseBinaryOutputs(request, response);
        using var json = new PooledBufferWriter(1024);
        long binaryLength = 0;
        using (var writer = new Utf8JsonWriter(json, KServeJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name"u8, response.ModelName);
            writer.WriteString("model_version"u8, response.ModelVersion);
            if (response.Id is not null)
            {
                writer.WriteString("id"u8, response.Id);
            }

            writer.WriteStartArray("outputs"u8);
            for (var i = 0; i < response.Outputs.Count; i++)
            {
                var output = response.Outputs[i];
                writer.WriteStartObject();
                writer.WriteString("name"u8, output.Name);
                writer.WriteString("datatype"u8, output.DataType.WireName());
                writer.WriteStartArray("shape"u8);
                foreach (var d in output.Shape.Dimensions)
                {
                    writer.WriteNumberValue(d);
                }

                writer.WriteEndArray();
                if (binary[i])
                {
                    writer.WriteStartObject("parameters"u8);
                    writer.WriteNumber("binary_data_size"u8, output.Data.Length);
                    writer.WriteEndObject();
                    binaryLength += output.Data.Length;
                }
                else
                {
                    writer.WritePropertyName("data"u8);
                    JsonTensorWriter.WriteData(writer, output);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        http.StatusCode = StatusCodes.Status200OK;
        http.ContentLength = json.WrittenCount + binaryLength;
        if (binaryLength > 0 || Array.IndexOf(binary, true) >= 0)
        {
            http.ContentType = "application/octet-stream";
            http.Headers[HeaderLengthHeader] = json.WrittenCount.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            http.ContentType = "application/json";
        }

        await http.Body.WriteAsync(json.WrittenMemory, cancellationToken);
        for (var i = 0; i < response.Outputs.Count; i++)
        {
            if (binary[i])
            {
                // Straight from the response's buffer to the socket: no second copy.
                await http.Body.WriteAsync(response.Outputs[i].Data, cancellationToken);
            }
        }
    }

    private static bool[] ChooseBinaryOutputs(InferenceRequest request, InferenceResponse response)
    {
        var all = request.Parameters is not null
            && request.Parameters.TryGetValue("binary_data_output", out var value)
            && value is true;
        var binary = new bool[response.Outputs.Count];
        for (var i = 0; i < binary.Length; i++)
        {
            binary[i] = all;
            var requested = FindRequested(request.Outputs, response.Outputs[i].Name);
            if (requested?.Parameters is not null && requested.Parameters.TryGetValue("binary_data", out var flag) && flag is bool b)
            {
                binary[i] = b;
            }
        }

        return binary;
    }

    private static RequestedOutput? FindRequested(List<RequestedOutput>? outputs, string name)
    {
        if (outputs is null)
        {
            return null;
        }

        foreach (var output in outputs)
        {
            if (string.Equals(output.Name, name, StringComparison.Ordinal))
            {
                return output;
            }
        }

        return null;
    }
}

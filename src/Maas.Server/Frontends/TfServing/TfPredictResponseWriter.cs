using System.Text.Json;
using Maas.Buffers;
using Maas.Errors;
using Maas.Inference;
using Microsoft.AspNetCore.Http;

namespace Maas.Server.Frontends.TfServing;

/// <summary>
/// Writes a predict answer as TF Serving shapes it. Row format: <c>{"predictions": [...]}</c>, one
/// entry per batch row — the output's row when the model has one output, else an object keyed by
/// output name. Columnar format: <c>{"outputs": value}</c> for one output, else
/// <c>{"outputs": {name: value}}</c>. Outputs appear in the model's order.
/// </summary>
internal static class TfPredictResponseWriter
{
    /// <summary>Writes <paramref name="response"/> in the shape <paramref name="format"/> calls for; the caller still owns the response.</summary>
    public static async Task WriteAsync(HttpResponse http, TfPredictFormat format, InferenceResponse response, CancellationToken cancellationToken)
    {
        using var json = new PooledBufferWriter(1024);
        using (var writer = new Utf8JsonWriter(json, TfServingJson.WriterOptions))
        {
            writer.WriteStartObject();
            if (format == TfPredictFormat.Row)
            {
                WritePredictions(writer, response);
            }
            else
            {
                WriteOutputs(writer, response);
            }

            writer.WriteEndObject();
        }

        await TfServingMethods.WriteJsonAsync(http, json, cancellationToken);
    }

    private static void WritePredictions(Utf8JsonWriter writer, InferenceResponse response)
    {
        var outputs = response.Outputs;
        var rows = BatchSize(response);
        var offsets = new int[outputs.Count];
        var single = outputs.Count == 1;
        writer.WriteStartArray("predictions"u8);
        for (long row = 0; row < rows; row++)
        {
            if (!single)
            {
                writer.WriteStartObject();
            }

            for (var i = 0; i < outputs.Count; i++)
            {
                var output = outputs[i];
                if (!single)
                {
                    writer.WritePropertyName(output.Name);
                }

                TfJsonTensorWriter.WriteValue(writer, output, output.Shape.Dimensions[1..], TfJsonTensorWriter.IsBinaryByName(output), ref offsets[i]);
            }

            if (!single)
            {
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
    }

    // Every output must share the batch size: the rows of "predictions" are cut along it.
    private static long BatchSize(InferenceResponse response)
    {
        long rows = -1;
        foreach (var output in response.Outputs)
        {
            if (output.Shape.Rank == 0)
            {
                throw MaasError.InvalidArgument($"Output '{output.Name}' of model '{response.ModelName}' is a scalar (shape []), so it cannot be split into one prediction per instance; send the request in the columnar format ({{\"inputs\": ...}}), which answers whole tensors.");
            }

            if (rows >= 0 && output.Shape[0] != rows)
            {
                throw MaasError.InvalidArgument($"The outputs of model '{response.ModelName}' disagree on the batch size ('{response.Outputs[0].Name}' has {rows} rows, '{output.Name}' has {output.Shape[0]}), so they cannot be split into one prediction per instance; send the request in the columnar format ({{\"inputs\": ...}}), which answers whole tensors.");
            }

            rows = output.Shape[0];
        }

        return rows;
    }

    private static void WriteOutputs(Utf8JsonWriter writer, InferenceResponse response)
    {
        var outputs = response.Outputs;
        writer.WritePropertyName("outputs"u8);
        var single = outputs.Count == 1;
        if (!single)
        {
            writer.WriteStartObject();
        }

        foreach (var output in outputs)
        {
            if (!single)
            {
                writer.WritePropertyName(output.Name);
            }

            var offset = 0;
            TfJsonTensorWriter.WriteValue(writer, output, output.Shape.Dimensions, TfJsonTensorWriter.IsBinaryByName(output), ref offset);
        }

        if (!single)
        {
            writer.WriteEndObject();
        }
    }
}

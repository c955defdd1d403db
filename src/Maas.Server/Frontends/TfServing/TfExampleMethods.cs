using System.Globalization;
using System.Text.Json;
using Maas.Buffers;
using Maas.Core.Lifecycle;
using Maas.Errors;
using Maas.Inference;
using Maas.Models;
using Maas.Tensors;
using Microsoft.AspNetCore.Http;

namespace Maas.Server.Frontends.TfServing;

/// <summary>
/// TF Serving's Classify and Regress APIs over plain tensor models. The request's
/// <c>examples</c> are rows: each feature names a model input, and <c>context</c> features apply to
/// every example. Classify fits a model whose single output holds float scores shaped
/// [batch, classes]; regress one whose single output holds a float per row, [batch] or [batch, 1].
/// </summary>
internal static class TfExampleMethods
{
    private const string Shape = "{\"examples\": [{\"<input name>\": value, ...}, ...]}";

    /// <summary>Throws InvalidArgument, saying why, when the model's outputs do not fit the method.</summary>
    public static void CheckModelFits(string method, string model, ModelMetadata metadata)
    {
        var outputs = metadata.Outputs;
        var output = outputs.Count == 1 ? outputs[0] : null;
        var shape = output?.Shape ?? TensorShape.Scalar;
        var fits = output is not null && output.DataType.IsFloatingPoint() && (method == TfServingTarget.Classify
            ? shape.Rank == 2
            : shape.Rank == 1 || (shape.Rank == 2 && shape[1] == 1));
        if (!fits)
        {
            var need = method == TfServingTarget.Classify
                ? "exactly one floating-point output shaped [batch, classes] (a score per class)"
                : "exactly one floating-point output shaped [batch] or [batch, 1] (a value per example)";
            throw MaasError.InvalidArgument($"Model '{model}' cannot answer :{method}: it needs {need}, and the model's outputs are {TfPredictRequestParser.Describe(outputs)}. Use :predict, which answers any model.");
        }
    }

    /// <summary>Parses a classify or regress body into the canonical request (one batch row per example). The caller owns it.</summary>
    public static InferenceRequest Parse(ReadOnlySpan<byte> json, string model, string version, ModelMetadata metadata)
    {
        try
        {
            var envelope = TfRequestEnvelope.Read(json, Shape);
            TfServingEndpoints.CheckSignature(envelope.SignatureName, model);
            if (envelope.Examples < 0)
            {
                throw MaasError.InvalidArgument($"The request has no 'examples'; send {Shape} (model '{model}' takes {TfPredictRequestParser.Describe(metadata.Inputs)}).");
            }

            var inputs = metadata.Inputs;
            var context = ReadContext(json, envelope.Context, metadata, model);
            var reader = TfRequestEnvelope.At(json, envelope.Examples);
            if (reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType == JsonTokenType.EndArray)
            {
                throw MaasError.InvalidArgument($"'examples' must be a non-empty list of objects, {Shape}.");
            }

            using var batch = new TfRowBatch(model, metadata, "example", "Examples cannot feed it; use :predict with the columnar format, {\"inputs\": {...}}.", reshapeFlat: true);
            var seen = new bool[inputs.Count];
            while (reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw MaasError.InvalidArgument($"Example {batch.Rows} is not an object; each example maps feature (input) names to values, {Shape}.");
                }

                Array.Clear(seen);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var index = TfPredictRequestParser.FindInput(ref reader, inputs, model, $"example {batch.Rows}");
                    if (context[index] >= 0)
                    {
                        throw MaasError.InvalidArgument($"Feature '{inputs[index].Name}' is in both 'context' and example {batch.Rows}; a context feature applies to every example and must not appear in them.");
                    }

                    if (seen[index])
                    {
                        throw MaasError.InvalidArgument($"Example {batch.Rows} names feature '{inputs[index].Name}' twice; name each feature once.");
                    }

                    seen[index] = true;
                    reader.Read();
                    batch.Append(index, ref reader);
                }

                for (var i = 0; i < inputs.Count; i++)
                {
                    if (seen[i])
                    {
                        continue;
                    }

                    if (context[i] < 0)
                    {
                        throw MaasError.InvalidArgument($"Example {batch.Rows} lacks feature '{inputs[i].Name}' ({inputs[i].DataType.TfName()}, shape {inputs[i].Shape}), and 'context' does not give it; model '{model}' needs {TfPredictRequestParser.Describe(inputs)}.");
                    }

                    var shared = TfRequestEnvelope.At(json, context[i]);
                    batch.Append(i, ref shared);
                }

                batch.EndRow();
                reader.Read();
            }

            return batch.ToRequest(version);
        }
        catch (JsonException ex)
        {
            throw MaasError.InvalidArgument($"The request body is not valid JSON: {ex.Message}");
        }
    }

    // Where each input's context value starts in the body; -1 for inputs the context does not give.
    private static int[] ReadContext(ReadOnlySpan<byte> json, int offset, ModelMetadata metadata, string model)
    {
        var result = new int[metadata.Inputs.Count];
        Array.Fill(result, -1);
        if (offset < 0)
        {
            return result;
        }

        var reader = TfRequestEnvelope.At(json, offset);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw MaasError.InvalidArgument("'context' must be an object of feature (input) name → value, shared by every example.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = TfPredictRequestParser.FindInput(ref reader, metadata.Inputs, model, "'context'");
            if (result[index] >= 0)
            {
                throw MaasError.InvalidArgument($"'context' names feature '{metadata.Inputs[index].Name}' twice; name each feature once.");
            }

            reader.Read();
            result[index] = offset + (int)reader.TokenStartIndex;
            reader.Skip();
        }

        return result;
    }

    /// <summary>
    /// Writes <c>{"results": ...}</c>: for classify, per example a list of <c>[label, score]</c> in
    /// class order, labels from config.json <c>output_labels</c> or else the class indices; for
    /// regress, one value per example.
    /// </summary>
    public static async Task WriteResultsAsync(HttpResponse http, string method, ModelVersion version, InferenceResponse response, CancellationToken cancellationToken)
    {
        var output = response.Outputs[0];
        var rows = output.Shape[0];
        var labels = method == TfServingTarget.Classify ? Labels(version, output) : null;
        using var json = new PooledBufferWriter(1024);
        using (var writer = new Utf8JsonWriter(json, TfServingJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("results"u8);
            var offset = 0;
            for (long row = 0; row < rows; row++)
            {
                if (labels is null)
                {
                    // [batch] or [batch, 1]: one value per example either way.
                    TfJsonTensorWriter.WriteValue(writer, output, [], base64: false, ref offset);
                    continue;
                }

                writer.WriteStartArray();
                foreach (var label in labels)
                {
                    writer.WriteStartArray();
                    writer.WriteStringValue(label);
                    TfJsonTensorWriter.WriteValue(writer, output, [], base64: false, ref offset);
                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await TfServingMethods.WriteJsonAsync(http, json, cancellationToken);
    }

    private static IReadOnlyList<string> Labels(ModelVersion version, Tensor output)
    {
        var classes = output.Shape[1];
        var configured = version.Config.OutputLabels;
        if (configured is not null)
        {
            return configured.Count == classes
                ? configured
                : throw MaasError.InvalidArgument($"Model '{version.ModelName}' cannot answer :classify: config.json `output_labels` has {configured.Count} names, but output '{output.Name}' has {classes} classes; give one name per class in config.json.");
        }

        var indices = new string[classes];
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] = i.ToString(CultureInfo.InvariantCulture);
        }

        return indices;
    }
}

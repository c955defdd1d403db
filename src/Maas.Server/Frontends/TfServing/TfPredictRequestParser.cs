using System.Text.Json;
using Maas.Buffers;
using Maas.Errors;
using Maas.Inference;
using Maas.Models;
using Maas.Tensors;

namespace Maas.Server.Frontends.TfServing;

/// <summary>How a predict request gave its inputs, which decides how the answer is shaped.</summary>
internal enum TfPredictFormat
{
    /// <summary><c>"instances"</c>: one entry per batch row; the answer is <c>"predictions"</c>.</summary>
    Row,

    /// <summary><c>"inputs"</c>: whole tensors; the answer is <c>"outputs"</c>.</summary>
    Columnar,
}

/// <summary>
/// Parses a TF Serving predict body — row format (<c>instances</c>) or columnar format
/// (<c>inputs</c>) — into the canonical <see cref="InferenceRequest"/>. Datatypes come from the
/// model's signature, shapes from the JSON nesting. The body is not referenced afterwards: every
/// value is converted into buffers the request owns.
/// </summary>
internal static class TfPredictRequestParser
{
    private const string Shape = "{\"instances\": [...]} or {\"inputs\": ...}";

    /// <summary>Parses <paramref name="json"/> for <paramref name="metadata"/>'s signature. The caller owns the request.</summary>
    public static InferenceRequest Parse(ReadOnlySpan<byte> json, string model, string version, ModelMetadata metadata, out TfPredictFormat format)
    {
        try
        {
            var envelope = TfRequestEnvelope.Read(json, Shape);
            TfServingEndpoints.CheckSignature(envelope.SignatureName, model);
            if (envelope.Instances >= 0 && envelope.Inputs >= 0)
            {
                throw MaasError.InvalidArgument("The request has both 'instances' and 'inputs'; send one: 'instances' (row format, one entry per batch row) or 'inputs' (columnar format, whole tensors).");
            }

            if (envelope.Instances >= 0)
            {
                format = TfPredictFormat.Row;
                var reader = TfRequestEnvelope.At(json, envelope.Instances);
                return ParseInstances(ref reader, model, version, metadata);
            }

            if (envelope.Inputs >= 0)
            {
                format = TfPredictFormat.Columnar;
                var reader = TfRequestEnvelope.At(json, envelope.Inputs);
                return ParseInputs(ref reader, model, version, metadata);
            }

            throw MaasError.InvalidArgument($"The request has neither 'instances' nor 'inputs'; send {Shape} (model '{model}' takes {Describe(metadata.Inputs)}).");
        }
        catch (JsonException ex)
        {
            throw MaasError.InvalidArgument($"The request body is not valid JSON: {ex.Message}");
        }
    }

    private static InferenceRequest ParseInstances(ref Utf8JsonReader reader, string model, string version, ModelMetadata metadata)
    {
        var inputs = metadata.Inputs;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw MaasError.InvalidArgument("'instances' must be a list with one entry per batch row: values for a model with one input, or objects keyed by input name.");
        }

        reader.Read();
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            throw MaasError.InvalidArgument("'instances' is empty; send at least one instance.");
        }

        var named = IsNamedObject(reader);
        if (!named && inputs.Count != 1)
        {
            throw MaasError.InvalidArgument($"'instances' holds plain values, but model '{model}' has {inputs.Count} inputs ({Describe(inputs)}); send each instance as an object keyed by input name, e.g. {{{Example(inputs)}}}.");
        }

        using var batch = new TfRowBatch(model, metadata, "instance", $"Send the request in the columnar format, {{\"inputs\": {{{Example(inputs)}}}}}, which gives each input whole.", reshapeFlat: false);
        var seen = new bool[inputs.Count];
        while (reader.TokenType != JsonTokenType.EndArray)
        {
            if (IsNamedObject(reader) != named)
            {
                throw MaasError.InvalidArgument(named
                    ? $"Instance {batch.Rows} is not an object, but instance 0 is an object keyed by input name; every instance must be one."
                    : $"Instance {batch.Rows} is an object keyed by input names, but instance 0 is a plain value; send every instance the same way.");
            }

            if (named)
            {
                ReadNamedRow(ref reader, batch, seen, model);
            }
            else
            {
                batch.Append(0, ref reader);
            }

            batch.EndRow();
            reader.Read();
        }

        return batch.ToRequest(version);
    }

    private static void ReadNamedRow(ref Utf8JsonReader reader, TfRowBatch batch, bool[] seen, string model)
    {
        var inputs = batch.Inputs;
        Array.Clear(seen);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = FindInput(ref reader, inputs, model, $"instance {batch.Rows}");
            if (seen[index])
            {
                throw MaasError.InvalidArgument($"Instance {batch.Rows} names input '{inputs[index].Name}' twice; name each input once.");
            }

            seen[index] = true;
            reader.Read();
            batch.Append(index, ref reader);
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            if (!seen[i])
            {
                throw MaasError.InvalidArgument($"Instance {batch.Rows} lacks input '{inputs[i].Name}' ({inputs[i].DataType.TfName()}, shape {inputs[i].Shape}); model '{model}' needs every input in every instance: {Describe(inputs)}.");
            }
        }
    }

    private static InferenceRequest ParseInputs(ref Utf8JsonReader reader, string model, string version, ModelMetadata metadata)
    {
        var inputs = metadata.Inputs;
        var request = new InferenceRequest(model, version);
        try
        {
            if (!IsNamedObject(reader))
            {
                if (inputs.Count != 1)
                {
                    throw MaasError.InvalidArgument($"'inputs' is a plain value, but model '{model}' has {inputs.Count} inputs ({Describe(inputs)}); send an object keyed by input name, e.g. {{\"inputs\": {{{Example(inputs)}}}}}.");
                }

                request.Inputs.Add(ReadTensor(ref reader, inputs[0], request));
                return request;
            }

            var tensors = new Tensor?[inputs.Count];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var index = FindInput(ref reader, inputs, model, "'inputs'");
                if (tensors[index] is not null)
                {
                    throw MaasError.InvalidArgument($"'inputs' names input '{inputs[index].Name}' twice; name each input once.");
                }

                reader.Read();
                tensors[index] = ReadTensor(ref reader, inputs[index], request);
            }

            for (var i = 0; i < inputs.Count; i++)
            {
                request.Inputs.Add(tensors[i] ?? throw MaasError.InvalidArgument($"'inputs' lacks input '{inputs[i].Name}' ({inputs[i].DataType.TfName()}, shape {inputs[i].Shape}); model '{model}' needs {Describe(inputs)}."));
            }

            return request;
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    private static Tensor ReadTensor(ref Utf8JsonReader reader, TensorMetadata input, InferenceRequest owner)
    {
        var data = new PooledBufferWriter(1024);
        owner.Own(data);
        var shape = TfJsonValueReader.Read(ref reader, input.DataType, data, new TfValueSite(input.Name, -1, ""));
        return new Tensor(input.Name, input.DataType, new TensorShape(shape), data.WrittenMemory);
    }

    /// <summary>The index of the input named by the property at the reader; InvalidArgument listing the inputs when unknown.</summary>
    internal static int FindInput(ref Utf8JsonReader reader, IReadOnlyList<TensorMetadata> inputs, string model, string where)
    {
        for (var i = 0; i < inputs.Count; i++)
        {
            if (reader.ValueTextEquals(inputs[i].Name))
            {
                return i;
            }
        }

        throw MaasError.InvalidArgument($"{Capitalize(where)} names '{reader.GetString()}', which is not an input of model '{model}'; its inputs are {Describe(inputs)}.");
    }

    /// <summary>An object keyed by input names, as opposed to a value or a <c>{"b64": ...}</c> binary value.</summary>
    internal static bool IsNamedObject(Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.StartObject && !TfJsonValueReader.IsBase64Object(reader);

    /// <summary>E.g. <c>'a' (DT_FLOAT [-1,4]), 'b' (DT_FLOAT [-1,4])</c>.</summary>
    internal static string Describe(IReadOnlyList<TensorMetadata> tensors)
    {
        var parts = new string[tensors.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = $"'{tensors[i].Name}' ({tensors[i].DataType.TfName()} {tensors[i].Shape})";
        }

        return parts.Length == 0 ? "none" : string.Join(", ", parts);
    }

    private static string Example(IReadOnlyList<TensorMetadata> inputs)
    {
        var parts = new string[inputs.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = $"\"{inputs[i].Name}\": ...";
        }

        return string.Join(", ", parts);
    }

    private static string Capitalize(string text) => text.Length > 0 && char.IsLower(text[0]) ? char.ToUpperInvariant(text[0]) + text[1..] : text;
}

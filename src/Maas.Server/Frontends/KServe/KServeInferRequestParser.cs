using System.Text.Json;
using Maas.Buffers;
using Maas.Errors;
using Maas.Inference;
using Maas.Tensors;

namespace Maas.Server.Frontends.KServe;

/// <summary>
/// Parses a KServe v2 infer request body — JSON, optionally followed by binary tensor data
/// (the binary tensor data extension) — into the canonical <see cref="InferenceRequest"/>.
/// Binary inputs are not copied: their tensors are slices of the body buffer, which the request owns.
/// </summary>
internal static class KServeInferRequestParser
{
    /// <summary>Parameter on an input: size in bytes of its data in the binary section.</summary>
    public const string BinaryDataSize = "binary_data_size";

    /// <summary>Nesting allowed in the JSON: enough for rank-32 nested data plus the envelope.</summary>
    public const int MaxJsonDepth = 40;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxJsonDepth };

    /// <summary>
    /// Parses <paramref name="body"/>. <paramref name="jsonLength"/> is the value of the
    /// <c>Inference-Header-Content-Length</c> header, or null when the body is JSON only.
    /// The caller owns the returned request, which takes ownership of <paramref name="bodyOwner"/>.
    /// </summary>
    public static InferenceRequest Parse(string model, string? version, ReadOnlyMemory<byte> body, int? jsonLength, IDisposable bodyOwner)
    {
        var request = new InferenceRequest(model, version);
        request.Own(bodyOwner);
        try
        {
            var json = ValidateFraming(body, jsonLength);
            var binary = new BinarySection(body[json.Length..]);
            var buffers = new OwnedResources();
            request.Own(buffers);
            ParseEnvelope(json, request, ref binary, buffers);
            binary.EnsureConsumed();
            return request;
        }
        catch (JsonException ex)
        {
            request.Dispose();
            throw MaasError.InvalidArgument($"The request body is not valid JSON: {ex.Message}");
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    private static ReadOnlyMemory<byte> ValidateFraming(ReadOnlyMemory<byte> body, int? jsonLength)
    {
        if (body.IsEmpty)
        {
            throw MaasError.InvalidArgument("The request body is empty; send a JSON object with an 'inputs' array.");
        }

        if (jsonLength is null)
        {
            return body;
        }

        if (jsonLength < 0 || jsonLength > body.Length)
        {
            throw MaasError.InvalidArgument($"Inference-Header-Content-Length is {jsonLength}, but the body is only {body.Length} bytes; it must be the byte length of the JSON part.");
        }

        return body[..jsonLength.Value];
    }

    private static void ParseEnvelope(ReadOnlyMemory<byte> json, InferenceRequest request, ref BinarySection binary, OwnedResources buffers)
    {
        JsonEscapes.ThrowIfUnpairedSurrogate(json.Span);
        var reader = new Utf8JsonReader(json.Span, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw MaasError.InvalidArgument("The request body must be a JSON object with an 'inputs' array.");
        }

        var sawInputs = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                request.Id = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw MaasError.InvalidArgument("'id' must be a string.");
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                sawInputs = true;
                ParseInputs(ref reader, json, request, ref binary, buffers);
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                ParseOutputs(ref reader, request);
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                request.Parameters = JsonParameters.Read(ref reader, "parameters");
            }
            else
            {
                // Unknown members are skipped, as the protocol allows extensions to add fields.
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || !IsWhitespace(json.Span[(int)reader.BytesConsumed..]))
        {
            throw MaasError.InvalidArgument("The request JSON has content after its closing brace; send exactly one JSON object (binary data needs the Inference-Header-Content-Length header).");
        }

        if (!sawInputs)
        {
            throw MaasError.InvalidArgument("The request has no 'inputs' array; send each input as {\"name\", \"datatype\", \"shape\", \"data\"}.");
        }
    }

    private static void ParseInputs(ref Utf8JsonReader reader, ReadOnlyMemory<byte> json, InferenceRequest request, ref BinarySection binary, OwnedResources buffers)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw MaasError.InvalidArgument("'inputs' must be an array of tensors.");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            request.Inputs.Add(ParseInput(ref reader, json, request.Inputs.Count, ref binary, buffers));
        }
    }

    private static Tensor ParseInput(ref Utf8JsonReader reader, ReadOnlyMemory<byte> json, int index, ref BinarySection binary, OwnedResources buffers)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw MaasError.InvalidArgument($"inputs[{index}] must be an object with name, datatype, shape and data.");
        }

        string? name = null;
        var dataType = DataType.Invalid;
        long[]? shape = null;
        long? binarySize = null;
        var dataOffset = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw MaasError.InvalidArgument($"inputs[{index}].name must be a string.");
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || !DataTypes.TryParse(reader.ValueSpan, out dataType))
                {
                    throw MaasError.InvalidArgument($"inputs[{index}].datatype is {Text(ref reader)}; it must be one of {DataTypes.ValidNames}.");
                }
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                reader.Read();
                shape = ReadShape(ref reader, index);
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                binarySize = ReadBinarySize(JsonParameters.Read(ref reader, $"inputs[{index}].parameters"), index);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                // Property order is free in JSON: remember where the data is and read it once type and shape are known.
                reader.Read();
                dataOffset = (int)reader.TokenStartIndex;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (name is null || dataType == DataType.Invalid || shape is null)
        {
            throw MaasError.InvalidArgument($"inputs[{index}]{(name is null ? "" : $" ('{name}')")} lacks {(name is null ? "'name'" : dataType == DataType.Invalid ? "'datatype'" : "'shape'")}; every input needs name, datatype and shape.");
        }

        var tensorShape = new TensorShape(shape);
        if (!tensorShape.TryGetElementCount(out var count))
        {
            throw MaasError.InvalidArgument($"Input '{name}' has shape {tensorShape}, whose element count overflows; send the real shape.");
        }

        if (binarySize is { } size)
        {
            if (dataOffset >= 0)
            {
                throw MaasError.InvalidArgument($"Input '{name}' has both 'data' and parameters.binary_data_size; send its data one way.");
            }

            return new Tensor(name, dataType, tensorShape, binary.Take(name, size));
        }

        if (dataOffset < 0)
        {
            throw MaasError.InvalidArgument($"Input '{name}' has no 'data'; send 'data', or binary data with parameters.binary_data_size.");
        }

        var dataReader = new Utf8JsonReader(json.Span[dataOffset..], ReaderOptions);
        dataReader.Read();
        var data = JsonTensorData.Read(ref dataReader, name, dataType, count, json.Length, buffers);
        return new Tensor(name, dataType, tensorShape, data);
    }

    private static long[] ReadShape(ref Utf8JsonReader reader, int index)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw MaasError.InvalidArgument($"inputs[{index}].shape must be an array of non-negative integers.");
        }

        Span<long> dims = stackalloc long[MaxJsonDepth];
        var rank = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var d) || d < 0)
            {
                throw MaasError.InvalidArgument($"inputs[{index}].shape has {Text(ref reader)}; dimensions must be non-negative integers.");
            }

            if (rank == dims.Length)
            {
                throw MaasError.InvalidArgument($"inputs[{index}].shape has more than {dims.Length} dimensions.");
            }

            dims[rank++] = d;
        }

        return dims[..rank].ToArray();
    }

    private static long? ReadBinarySize(Dictionary<string, object>? parameters, int index)
    {
        if (parameters is null || !parameters.TryGetValue(BinaryDataSize, out var value))
        {
            return null;
        }

        return value is long size and >= 0
            ? size
            : throw MaasError.InvalidArgument($"inputs[{index}].parameters.binary_data_size must be a non-negative integer.");
    }

    private static void ParseOutputs(ref Utf8JsonReader reader, InferenceRequest request)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw MaasError.InvalidArgument("'outputs' must be an array of {\"name\": ...} objects.");
        }

        var outputs = new List<RequestedOutput>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw MaasError.InvalidArgument($"outputs[{outputs.Count}] must be an object with a 'name'.");
            }

            string? name = null;
            Dictionary<string, object>? parameters = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    name = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw MaasError.InvalidArgument($"outputs[{outputs.Count}].name must be a string.");
                }
                else if (reader.ValueTextEquals("parameters"u8))
                {
                    reader.Read();
                    parameters = JsonParameters.Read(ref reader, $"outputs[{outputs.Count}].parameters");
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            outputs.Add(new RequestedOutput(name ?? throw MaasError.InvalidArgument($"outputs[{outputs.Count}] lacks 'name'."), parameters));
        }

        request.Outputs = outputs;
    }

    private static bool IsWhitespace(ReadOnlySpan<byte> rest) => rest.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    private static string Text(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"\"{reader.GetString()}\"",
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
        _ => reader.TokenType.ToString(),
    };
}

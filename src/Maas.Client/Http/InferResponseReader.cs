using System.Text.Json;
using Maas.Tensors;

namespace Maas.Client.Http;

/// <summary>
/// Reads a KServe v2 REST infer answer: the JSON header (all of the body, or its first
/// <c>Inference-Header-Content-Length</c> bytes) and the binary outputs after it. Binary outputs
/// are views of the body, not copies; JSON <c>data</c> is converted once into the raw layout.
/// </summary>
internal static class InferResponseReader
{
    public static InferResult Read(byte[] body, int? headerLength)
    {
        var json = new ReadOnlySpan<byte>(body, 0, headerLength ?? body.Length);
        var binaryOffset = headerLength ?? body.Length;
        try
        {
            var reader = new Utf8JsonReader(json);
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "the answer is not a JSON object");
            string? modelName = null, modelVersion = null, id = null;
            var outputs = new List<InferTensor>();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model_name"u8))
                {
                    modelName = ReadString(ref reader);
                }
                else if (reader.ValueTextEquals("model_version"u8))
                {
                    modelVersion = ReadString(ref reader);
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    id = ReadString(ref reader);
                }
                else if (reader.ValueTextEquals("outputs"u8))
                {
                    reader.Read();
                    Expect(reader.TokenType == JsonTokenType.StartArray, "'outputs' is not an array");
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        outputs.Add(ReadOutput(ref reader, json, body, ref binaryOffset));
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (binaryOffset != body.Length)
            {
                throw new MaasClientException($"The server's answer has {body.Length - binaryOffset} bytes of binary data that no output claims.");
            }

            return new InferResult(modelName ?? "", modelVersion ?? "", id, outputs);
        }
        catch (JsonException ex)
        {
            throw new MaasClientException($"The server's answer is not valid JSON: {ex.Message}", ex);
        }
    }

    private static InferTensor ReadOutput(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, byte[] body, ref int binaryOffset)
    {
        string? name = null;
        var type = DataType.Invalid;
        long[]? shape = null;
        long? binarySize = null;
        var dataStart = -1L;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                name = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                var text = ReadString(ref reader);
                Expect(DataTypes.TryParse(text, out type), $"output datatype '{text}' is not a KServe v2 datatype");
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                shape = ReadShape(ref reader);
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                binarySize = ReadBinarySize(ref reader);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                // Read after the object ends: "data" may come before "datatype".
                reader.Read();
                dataStart = reader.TokenStartIndex;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        Expect(name is not null && type != DataType.Invalid && shape is not null, "an output lacks its name, datatype or shape");
        ReadOnlyMemory<byte> data;
        if (binarySize is { } size)
        {
            Expect(size <= body.Length - binaryOffset, $"output '{name}' claims {size} binary bytes, but only {body.Length - binaryOffset} remain");
            data = new ReadOnlyMemory<byte>(body, binaryOffset, (int)size);
            binaryOffset += (int)size;
        }
        else
        {
            Expect(dataStart >= 0, $"output '{name}' has neither 'data' nor binary_data_size");
            var dataReader = new Utf8JsonReader(json[(int)dataStart..]);
            dataReader.Read();
            data = JsonTensorValues.Read(ref dataReader, name!, type);
        }

        return new InferTensor(name!, type, shape!, data);
    }

    private static long[] ReadShape(ref Utf8JsonReader reader)
    {
        reader.Read();
        Expect(reader.TokenType == JsonTokenType.StartArray, "an output's 'shape' is not an array");
        var dims = new List<long>(4);
        while (reader.Read() && reader.TokenType == JsonTokenType.Number)
        {
            dims.Add(reader.GetInt64());
        }

        return [.. dims];
    }

    private static long? ReadBinarySize(ref Utf8JsonReader reader)
    {
        reader.Read();
        Expect(reader.TokenType == JsonTokenType.StartObject, "an output's 'parameters' is not an object");
        long? size = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isSize = reader.ValueTextEquals("binary_data_size"u8);
            reader.Read();
            if (isSize)
            {
                Expect(reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value >= 0, "binary_data_size is not a non-negative integer");
                size = reader.GetInt64();
            }
            else
            {
                reader.Skip();
            }
        }

        return size;
    }

    private static string ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        Expect(reader.TokenType == JsonTokenType.String, $"a {reader.TokenType} stands where a string belongs");
        return reader.GetString()!;
    }

    private static void Expect(bool condition, string problem)
    {
        if (!condition)
        {
            throw new MaasClientException($"The server's answer is malformed: {problem}.");
        }
    }
}

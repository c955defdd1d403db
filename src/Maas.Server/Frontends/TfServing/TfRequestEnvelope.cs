using System.Text.Json;
using Maas.Errors;

namespace Maas.Server.Frontends.TfServing;

/// <summary>
/// The top level of a TF Serving request body: <c>signature_name</c>, and where the values of
/// <c>instances</c>, <c>inputs</c>, <c>context</c> and <c>examples</c> start (JSON member order is
/// free, so each part is read from its offset once the whole object is known). Other members are
/// ignored, as TF Serving ignores them.
/// </summary>
internal readonly record struct TfRequestEnvelope(string? SignatureName, int Instances, int Inputs, int Context, int Examples)
{
    /// <summary>Reads the envelope of <paramref name="json"/>; offsets are -1 for absent members.</summary>
    public static TfRequestEnvelope Read(ReadOnlySpan<byte> json, string shape)
    {
        if (json.IsEmpty)
        {
            throw MaasError.InvalidArgument($"The request body is empty; send a JSON object such as {shape}.");
        }

        JsonEscapes.ThrowIfUnpairedSurrogate(json);
        var reader = new Utf8JsonReader(json, TfServingJson.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw MaasError.InvalidArgument($"The request body must be a JSON object such as {shape}.");
        }

        string? signature = null;
        int instances = -1, inputs = -1, context = -1, examples = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("signature_name"u8))
            {
                reader.Read();
                signature = reader.TokenType == JsonTokenType.String
                    ? reader.GetString()
                    : throw MaasError.InvalidArgument("'signature_name' must be a string, e.g. \"serving_default\".");
                continue;
            }

            ref var offset = ref instances;
            if (reader.ValueTextEquals("instances"u8))
            {
                offset = ref instances;
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                offset = ref inputs;
            }
            else if (reader.ValueTextEquals("context"u8))
            {
                offset = ref context;
            }
            else if (reader.ValueTextEquals("examples"u8))
            {
                offset = ref examples;
            }
            else
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            if (offset >= 0)
            {
                throw MaasError.InvalidArgument($"'{reader.GetString()}' appears twice in the request; send it once.");
            }

            reader.Read();
            offset = (int)reader.TokenStartIndex;
            reader.Skip();
        }

        if (reader.TokenType != JsonTokenType.EndObject || json[(int)reader.BytesConsumed..].IndexOfAnyExcept(" \t\r\n"u8) >= 0)
        {
            throw MaasError.InvalidArgument("The request body has content after its closing brace; send exactly one JSON object.");
        }

        return new TfRequestEnvelope(signature, instances, inputs, context, examples);
    }

    /// <summary>A reader on the first token of the value at <paramref name="offset"/>.</summary>
    public static Utf8JsonReader At(ReadOnlySpan<byte> json, int offset)
    {
        var reader = new Utf8JsonReader(json[offset..], TfServingJson.ReaderOptions);
        reader.Read();
        return reader;
    }
}

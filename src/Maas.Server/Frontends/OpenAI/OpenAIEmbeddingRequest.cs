using System.Text.Json;
using Maas.Errors;

namespace Maas.Server.Frontends.OpenAI;

/// <summary>A parsed <c>POST /v1/embeddings</c> body.</summary>
/// <param name="Model">The model to run.</param>
/// <param name="Inputs">The texts, in order.</param>
/// <param name="Base64">True for <c>encoding_format: "base64"</c> (little-endian float32 bytes).</param>
/// <param name="Dimensions">The dimensions the client asked for; null for the model's own.</param>
internal sealed record OpenAIEmbeddingRequest(string Model, IReadOnlyList<string> Inputs, bool Base64, int? Dimensions)
{
    /// <summary>Texts one request may embed (OpenAI's own limit).</summary>
    public const int MaxInputs = 2048;

    /// <summary>Parses and checks the body; throws InvalidArgument naming the field.</summary>
    public static OpenAIEmbeddingRequest Parse(ReadOnlyMemory<byte> body)
    {
        using (var document = JsonRequestBody.ParseObject(body, "an object with 'model' and 'input', e.g. {\"model\": \"minilm-embed\", \"input\": \"Hello\"}"))
        {
            var root = document.RootElement;
            string? model = null;
            List<string>? inputs = null;
            var base64 = false;
            int? dimensions = null;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Null && property.Name is "encoding_format" or "dimensions" or "user")
                {
                    continue; // the SDKs send an unset optional field as null: the default applies
                }

                switch (property.Name)
                {
                    case "model":
                        model = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw MaasError.InvalidArgument("'model' must be a string.");
                        break;
                    case "input":
                        inputs = ReadInputs(property.Value);
                        break;
                    case "encoding_format":
                        base64 = (property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null) switch
                        {
                            "float" => false,
                            "base64" => true,
                            _ => throw MaasError.InvalidArgument("'encoding_format' must be \"float\" or \"base64\"."),
                        };
                        break;
                    case "dimensions":
                        dimensions = property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var d) && d > 0
                            ? d
                            : throw MaasError.InvalidArgument("'dimensions' must be a positive integer.");
                        break;
                    case "user":
                        break; // An end-user id for abuse monitoring: accepted, not used.
                    default:
                        throw MaasError.InvalidArgument($"Unknown field '{property.Name}'; /v1/embeddings takes model, input, encoding_format, dimensions and user.");
                }
            }

            if (string.IsNullOrEmpty(model))
            {
                throw MaasError.InvalidArgument("'model' is required: the name of an embedding model of the repository (GET /v1/models lists them).");
            }

            return new OpenAIEmbeddingRequest(model, inputs ?? throw MaasError.InvalidArgument("'input' is required: a string or an array of strings."), base64, dimensions);
        }
    }

    private static List<string> ReadInputs(JsonElement input)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            return [CheckText(input.GetString()!, 0)];
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            throw MaasError.InvalidArgument("'input' must be a string or an array of strings.");
        }

        var count = input.GetArrayLength();
        if (count is 0 or > MaxInputs)
        {
            throw MaasError.InvalidArgument($"'input' has {count} entries; send 1 to {MaxInputs} strings per request.");
        }

        var texts = new List<string>(count);
        foreach (var item in input.EnumerateArray())
        {
            texts.Add(item.ValueKind switch
            {
                JsonValueKind.String => CheckText(item.GetString()!, texts.Count),
                JsonValueKind.Number or JsonValueKind.Array => throw MaasError.InvalidArgument("'input' holds token ids; this server embeds text: send the strings themselves (its models tokenize with their own vocabulary)."),
                _ => throw MaasError.InvalidArgument($"'input[{texts.Count}]' must be a string."),
            });
        }

        return texts;
    }

    private static string CheckText(string text, int index) =>
        text.Length > 0 ? text : throw MaasError.InvalidArgument($"'input[{index}]' is an empty string; every input must hold some text.");
}

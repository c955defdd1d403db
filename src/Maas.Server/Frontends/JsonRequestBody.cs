using System.Text.Json;
using Maas.Errors;

namespace Maas.Server.Frontends;

/// <summary>
/// Parses a request body that must be one JSON object (the OpenAI, generate and repository
/// routes), with the same two errors on every route: not JSON, or JSON but not an object.
/// </summary>
internal static class JsonRequestBody
{
    /// <summary>The parsed body; the caller disposes it.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="expected">What a client should send instead, for the error (e.g. "an object with 'model' and 'input'").</param>
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> body, string expected)
    {
        JsonEscapes.ThrowIfUnpairedSurrogate(body.Span);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw MaasError.InvalidArgument($"The request body is not valid JSON ({ex.Message}); send {expected}.");
        }

        var kind = document.RootElement.ValueKind;
        if (kind != JsonValueKind.Object)
        {
            document.Dispose();
            throw MaasError.InvalidArgument($"The request body must be a JSON object, not {kind.ToString().ToLowerInvariant()}; send {expected}.");
        }

        return document;
    }
}

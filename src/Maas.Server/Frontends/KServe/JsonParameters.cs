using System.Text.Json;
using Maas.Errors;

namespace Maas.Server.Frontends.KServe;

/// <summary>Reads a protocol <c>parameters</c> object: values are bool, int64, double or string.</summary>
internal static class JsonParameters
{
    public static Dictionary<string, object>? Read(ref Utf8JsonReader reader, string where)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw MaasError.InvalidArgument($"'{where}' must be an object of name → bool, number or string.");
        }

        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            result[key] = reader.TokenType switch
            {
                JsonTokenType.True => true,
                JsonTokenType.False => false,
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Number when reader.TryGetInt64(out var l) => l,
                JsonTokenType.Number => reader.GetDouble(),
                _ => throw MaasError.InvalidArgument($"'{where}.{key}' must be a bool, number or string."),
            };
        }

        return result;
    }
}

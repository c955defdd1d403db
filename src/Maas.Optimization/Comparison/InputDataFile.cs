using System.Text.Json;
using Maas.Errors;

namespace Maas.Optimization.Comparison;

/// <summary>
/// Reads given input values for <c>maas compare --data</c>: a JSON object mapping each input name
/// to a nested array of numbers, e.g. <c>{"input_ids": [[101, 2023, 102]], "attention_mask": [[1, 1, 1]]}</c>.
/// The nesting gives the shape.
/// </summary>
public static class InputDataFile
{
    /// <summary>Parses the JSON text; <paramref name="source"/> names it in error messages.</summary>
    public static Dictionary<string, InputData> Parse(string json, string source = "--data")
    {
        ArgumentNullException.ThrowIfNull(json);
        var result = new Dictionary<string, InputData>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw MaasError.InvalidArgument($"{source} must be a JSON object of input name → nested array of numbers.");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                var shape = new List<long>();
                for (var element = property.Value; element.ValueKind == JsonValueKind.Array; element = element.GetArrayLength() > 0 ? element[0] : default)
                {
                    shape.Add(element.GetArrayLength());
                    if (element.GetArrayLength() == 0)
                    {
                        break;
                    }
                }

                var values = new List<double>();
                Flatten(property.Name, property.Value, shape, 0, values, source);
                result[property.Name] = new InputData(shape, values);
            }
        }
        catch (JsonException ex)
        {
            throw MaasError.InvalidArgument($"{source} is not valid JSON: {ex.Message}");
        }

        return result;
    }

    private static void Flatten(string name, JsonElement element, List<long> shape, int depth, List<double> values, string source)
    {
        if (depth == shape.Count)
        {
            values.Add(element.ValueKind switch
            {
                JsonValueKind.Number => element.GetDouble(),
                JsonValueKind.True => 1,
                JsonValueKind.False => 0,
                _ => throw MaasError.InvalidArgument($"{source}: '{name}' holds {element.ValueKind} where a number belongs."),
            });
            return;
        }

        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != shape[depth])
        {
            throw MaasError.InvalidArgument($"{source}: '{name}' is ragged; every array at depth {depth} must have {shape[depth]} entries.");
        }

        foreach (var item in element.EnumerateArray())
        {
            Flatten(name, item, shape, depth + 1, values, source);
        }
    }
}

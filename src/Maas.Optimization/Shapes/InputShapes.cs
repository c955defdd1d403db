using System.Globalization;
using Maas.Errors;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Shapes;

/// <summary>
/// Concrete shapes for a model's inputs: the declared shape, with symbolic dimensions filled in from
/// the user's <c>name=1x3x224x224</c> overrides, then by symbolic name across inputs, then 1.
/// </summary>
public static class InputShapes
{
    /// <summary>
    /// Parses <c>NAME=D1xD2x...</c> (also <c>NAME=D1,D2</c>) into a name and dimensions.
    /// </summary>
    public static KeyValuePair<string, long[]> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.LastIndexOf('=');
        if (equals <= 0 || equals == text.Length - 1)
        {
            throw MaasError.InvalidArgument($"Input shape '{text}' is not NAME=SHAPE. Write e.g. input_ids=1x128 or Input247=1x3x224x224.");
        }

        var name = text[..equals];
        var parts = text[(equals + 1)..].Split(['x', 'X', ','], StringSplitOptions.TrimEntries);
        var dims = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]))
            {
                throw MaasError.InvalidArgument($"Input shape '{text}': '{parts[i]}' is not a non-negative integer dimension. Write e.g. {name}=1x128.");
            }
        }

        return new(name, dims);
    }

    /// <summary>
    /// Resolves every graph input (initializers excluded) to a concrete shape.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="overrides">User-given shapes by input name; each must name an input and match its rank and fixed dims.</param>
    /// <param name="assumptions">Receives one line per symbolic dimension that defaulted to 1.</param>
    public static Dictionary<string, long[]> Resolve(ModelProto model, IReadOnlyDictionary<string, long[]> overrides, ICollection<string> assumptions)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(assumptions);
        var inputs = GraphInputs(model);
        var bySymbol = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, dims) in overrides)
        {
            var input = inputs.Find(i => i.Name == name)
                ?? throw MaasError.InvalidArgument($"--input names '{name}', which is not an input of the model. Its inputs: {string.Join(", ", inputs.Select(i => i.Name))}.");
            var declared = input.Type?.TensorType?.Shape?.Dim;
            if (declared is null)
            {
                continue;
            }

            if (declared.Count != dims.Length)
            {
                throw MaasError.InvalidArgument($"--input {name} has {dims.Length} dimensions; the model declares {declared.Count} ({Describe(input)}).");
            }

            for (var i = 0; i < dims.Length; i++)
            {
                if (declared[i].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && declared[i].DimValue != dims[i])
                {
                    throw MaasError.InvalidArgument($"--input {name}: dimension {i} is fixed at {declared[i].DimValue} by the model ({Describe(input)}), not {dims[i]}.");
                }

                if (declared[i].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam)
                {
                    bySymbol.TryAdd(declared[i].DimParam, dims[i]);
                }
            }
        }

        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (overrides.TryGetValue(input.Name, out var given))
            {
                result[input.Name] = given;
                continue;
            }

            var declared = input.Type?.TensorType?.Shape?.Dim;
            if (declared is null)
            {
                continue;
            }

            var dims = new long[declared.Count];
            for (var i = 0; i < dims.Length; i++)
            {
                var dim = declared[i];
                if (dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
                {
                    dims[i] = dim.DimValue;
                }
                else if (dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam && bySymbol.TryGetValue(dim.DimParam, out var bound))
                {
                    dims[i] = bound;
                }
                else
                {
                    dims[i] = 1;
                    var symbol = dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? $"'{dim.DimParam}'" : "unnamed";
                    assumptions.Add($"{input.Name}: dimension {i} ({symbol}) taken as 1; set it with --input {input.Name}=...");
                    if (dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam)
                    {
                        bySymbol[dim.DimParam] = 1;
                    }
                }
            }

            result[input.Name] = dims;
        }

        return result;
    }

    /// <summary>The graph inputs that are not initializers (IR &lt; 4 lists weights as inputs too).</summary>
    public static List<ValueInfoProto> GraphInputs(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var initializers = new HashSet<string>(model.Graph.Initializer.Select(t => t.Name), StringComparer.Ordinal);
        return model.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
    }

    /// <summary>An input's declared type, e.g. <c>float[batch, 3, 224, 224]</c>.</summary>
    public static string Describe(ValueInfoProto value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var tensor = value.Type?.TensorType;
        if (tensor is null)
        {
            return "non-tensor";
        }

        var dims = tensor.Shape?.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => d.DimValue.ToString(CultureInfo.InvariantCulture),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => d.DimParam,
            _ => "?",
        });
        return $"{Onnx.OnnxDataType.Name(tensor.ElemType)}[{(dims is null ? "?" : string.Join(", ", dims))}]";
    }
}

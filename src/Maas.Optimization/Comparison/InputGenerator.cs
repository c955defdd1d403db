using Maas.Errors;
using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;
using Maas.Optimization.Shapes;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Optimization.Comparison;

/// <summary>
/// Makes the inputs both models receive: the user's values where given, otherwise seeded values
/// that the model accepts. Floats are uniform in [-1, 1). Integer inputs that index a table
/// (the indices of a Gather over an initializer, such as token ids) are uniform over the table's
/// rows; other integer inputs (attention masks) are 1; booleans are true.
/// </summary>
internal static class InputGenerator
{
    public static List<GeneratedInput> Create(ModelProto model, ComparisonOptions options, ICollection<string> notes)
    {
        // Given data fixes its input's shape (and, through shared symbolic dims, the others').
        var overrides = new Dictionary<string, long[]>(options.InputShapes, StringComparer.Ordinal);
        foreach (var (name, data) in options.Data)
        {
            overrides[name] = [.. data.Shape];
        }

        var shapes = InputShapes.Resolve(model, overrides, notes);
        var bounds = IndexBounds(model);
#pragma warning disable CA5394 // Seeded test data, not security.
        var random = new Random(options.Seed);
        var inputs = new List<GeneratedInput>();
        foreach (var input in InputShapes.GraphInputs(model))
        {
            var elementType = input.Type?.TensorType?.ElemType ?? OnnxDataType.Undefined;
            double[] values;
            long[] shape;
            if (options.Data.TryGetValue(input.Name, out var given))
            {
                shape = [.. given.Shape];
                values = [.. given.Values];
                if (TensorInfo.ElementsOf(shape) != values.Length)
                {
                    throw MaasError.InvalidArgument($"--data for '{input.Name}' has {values.Length} values but shape {TensorInfo.Format(shape)} needs {TensorInfo.ElementsOf(shape)}.");
                }
            }
            else
            {
                shape = shapes.TryGetValue(input.Name, out var resolved) ? resolved
                    : throw MaasError.Unsupported($"Input '{input.Name}' has no tensor shape; give its values with --data.");
                values = new double[TensorInfo.ElementsOf(shape)];
                if (OnnxDataType.IsFloat(elementType))
                {
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = (random.NextDouble() * 2) - 1;
                    }
                }
                else if (bounds.TryGetValue(input.Name, out var rows))
                {
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = random.NextInt64(rows);
                    }

                    notes.Add($"{input.Name}: random indices in [0, {rows}) (it indexes a table of {rows} rows)");
                }
                else
                {
                    Array.Fill(values, 1);
                    if (OnnxDataType.IsInteger(elementType))
                    {
                        notes.Add($"{input.Name}: all ones (an integer input that indexes no table, e.g. a mask)");
                    }
                }
            }
#pragma warning restore CA5394

            inputs.Add(new GeneratedInput(input.Name, shape, ToOrtValue(input.Name, elementType, values, shape)));
        }

        return inputs;
    }

    /// <summary>Graph inputs read directly as Gather indices over an initializer: input name → rows of that table.</summary>
    private static Dictionary<string, long> IndexBounds(ModelProto model)
    {
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var bounds = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var node in model.Graph.Node)
        {
            if (node.OpType == "Gather" && node.Input.Count > 1 && initializers.TryGetValue(node.Input[0], out var table) && table.Dims.Count > 0)
            {
                var axis = (int)NodeAttributes.Int(node, "axis", 0);
                axis = axis < 0 ? axis + table.Dims.Count : axis;
                var rows = table.Dims[axis];
                bounds[node.Input[1]] = bounds.TryGetValue(node.Input[1], out var existing) ? Math.Min(existing, rows) : rows;
            }
        }

        return bounds;
    }

    private static OrtValue ToOrtValue(string name, int elementType, double[] values, long[] shape) => elementType switch
    {
        OnnxDataType.Float => OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(values, v => (float)v), shape),
        OnnxDataType.Double => OrtValue.CreateTensorValueFromMemory(values, shape),
        OnnxDataType.Float16 => OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(values, v => (Float16)(float)v), shape),
        OnnxDataType.Int64 => OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(values, v => (long)v), shape),
        OnnxDataType.Int32 => OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(values, v => (int)v), shape),
        OnnxDataType.Int8 => OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(values, v => (sbyte)v), shape),
        OnnxDataType.UInt8 => OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(values, v => (byte)v), shape),
        OnnxDataType.Bool => OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(values, v => v != 0), shape),
        _ => throw MaasError.Unsupported($"Input '{name}' is {OnnxDataType.Name(elementType)}; maas compare generates float, float16, double, int64, int32, int8, uint8 and bool inputs."),
    };
}

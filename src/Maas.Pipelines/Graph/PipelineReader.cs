using System.Text.Json;
using Maas.Errors;
using Maas.Models;
using Maas.Tensors;

namespace Maas.Pipelines.Graph;

/// <summary>
/// Reads config.json's <c>pipeline</c> object into a <see cref="PipelineDefinition"/>. Every
/// problem is collected and reported in one message; unknown fields are errors. Wiring (which
/// tensor exists where) is checked later, by <see cref="PipelineCompiler"/>, once the steps'
/// processors and models are known.
/// </summary>
public static class PipelineReader
{
    /// <summary>Upper bound for the number of steps.</summary>
    public const int MaxSteps = 256;

    /// <summary>Upper bound for <c>sequence.max_sequences</c>.</summary>
    public const int MaxSequencesLimit = 1_000_000;

    /// <summary>Default for <c>sequence.idle_timeout_seconds</c>.</summary>
    public const int DefaultIdleTimeoutSeconds = 60;

    /// <summary>Default for <c>sequence.max_sequences</c>.</summary>
    public const int DefaultMaxSequences = 1024;

    /// <summary>Parses the JSON text; throws InvalidArgument listing every problem.</summary>
    public static PipelineDefinition Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var errors = new List<string>();
        var definition = ReadRoot(document.RootElement, errors);
        return errors.Count > 0
            ? throw MaasError.InvalidArgument($"invalid pipeline: {string.Join("; ", errors)}")
            : definition;
    }

    private static PipelineDefinition ReadRoot(JsonElement root, List<string> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("'pipeline' must be an object with 'inputs', 'outputs' and 'steps'");
            return new PipelineDefinition([], [], [], [], null);
        }

        List<TensorMetadata> inputs = [], outputs = [];
        List<ConstantDefinition> constants = [];
        List<StepDefinition> steps = [];
        SequenceOptions? sequence = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "inputs":
                    inputs = ReadSignature(property.Value, "inputs", errors);
                    break;
                case "outputs":
                    outputs = ReadSignature(property.Value, "outputs", errors);
                    break;
                case "constants":
                    constants = ReadConstants(property.Value, errors);
                    break;
                case "steps":
                    steps = ReadSteps(property.Value, errors);
                    break;
                case "sequence":
                    sequence = ReadSequence(property.Value, errors);
                    break;
                default:
                    errors.Add($"unknown field 'pipeline.{property.Name}' (known: inputs, outputs, constants, steps, sequence)");
                    break;
            }
        }

        if (inputs.Count == 0)
        {
            errors.Add("'pipeline.inputs' must list at least one input, e.g. [{\"name\": \"text\", \"datatype\": \"BYTES\", \"dims\": [-1]}]");
        }

        if (outputs.Count == 0)
        {
            errors.Add("'pipeline.outputs' must list at least one output");
        }

        if (steps.Count == 0)
        {
            errors.Add("'pipeline.steps' must list at least one step");
        }

        return new PipelineDefinition(inputs, outputs, constants, steps, sequence);
    }

    private static List<TensorMetadata> ReadSignature(JsonElement element, string field, List<string> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        return ReadObjects(element, $"pipeline.{field}", "{\"name\", \"datatype\", \"dims\"}", errors, (item, where) =>
        {
            string? name = null;
            var dataType = DataType.Invalid;
            long[]? dims = null;
            foreach (var property in item.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "name":
                        name = ReadName(property.Value, $"{where}.name", errors);
                        break;
                    case "datatype":
                        dataType = ReadDataType(property.Value, $"{where}.datatype", errors);
                        break;
                    case "dims":
                        dims = ReadDims(property.Value, $"{where}.dims", allowDynamic: true, errors);
                        break;
                    default:
                        errors.Add($"unknown field '{where}.{property.Name}' (known: name, datatype, dims)");
                        break;
                }
            }

            if (name is null || dataType == DataType.Invalid || dims is null)
            {
                return Error<TensorMetadata>(errors, $"'{where}' needs 'name', 'datatype' and 'dims'");
            }

            return names.Add(name)
                ? new TensorMetadata(name, dataType, new TensorShape(dims))
                : Error<TensorMetadata>(errors, $"'pipeline.{field}' names '{name}' twice");
        });
    }

    private static List<ConstantDefinition> ReadConstants(JsonElement element, List<string> errors) =>
        ReadObjects(element, "pipeline.constants", "{\"name\", \"datatype\", \"dims\", \"data\"}", errors, (item, where) =>
        {
            string? name = null;
            var dataType = DataType.Invalid;
            long[]? dims = null;
            List<double>? values = null;
            foreach (var property in item.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "name":
                        name = ReadName(property.Value, $"{where}.name", errors);
                        break;
                    case "datatype":
                        dataType = ReadDataType(property.Value, $"{where}.datatype", errors);
                        break;
                    case "dims":
                        dims = ReadDims(property.Value, $"{where}.dims", allowDynamic: false, errors);
                        break;
                    case "data":
                        values = ReadNumbers(property.Value, $"{where}.data", errors);
                        break;
                    default:
                        errors.Add($"unknown field '{where}.{property.Name}' (known: name, datatype, dims, data)");
                        break;
                }
            }

            if (name is null || dataType == DataType.Invalid || dims is null || values is null)
            {
                return Error<ConstantDefinition>(errors, $"'{where}' needs 'name', 'datatype', 'dims' and 'data'");
            }

            var shape = new TensorShape(dims);
            if (!dataType.IsFixedSize() || dataType == DataType.Fp16 || dataType == DataType.Bf16)
            {
                return Error<ConstantDefinition>(errors, $"'{where}.datatype' is {dataType.WireName()}; constants are BOOL, integer, FP32 or FP64");
            }

            return shape.ElementCount == values.Count
                ? new ConstantDefinition(name, dataType, shape, values)
                : Error<ConstantDefinition>(errors, $"'{where}' has {values.Count} values for dims {shape}, which hold {shape.ElementCount}");
        });

    private static List<StepDefinition> ReadSteps(JsonElement element, List<string> errors)
    {
        if (element.ValueKind == JsonValueKind.Array && element.GetArrayLength() > MaxSteps)
        {
            errors.Add($"'pipeline.steps' has {element.GetArrayLength()} steps; at most {MaxSteps}");
            return [];
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        return ReadObjects(element, "pipeline.steps", "step", errors, (item, where) =>
        {
            var step = ReadStep(item, where, errors);
            return step is null || names.Add(step.Name)
                ? step
                : Error<StepDefinition>(errors, $"two steps are named '{step.Name}'; step names must be unique");
        });
    }

    private static StepDefinition? ReadStep(JsonElement item, string where, List<string> errors)
    {
        string? name = null, processor = null, model = null, version = null, scan = null;
        Dictionary<string, string> inputs = new(StringComparer.Ordinal), outputs = new(StringComparer.Ordinal);
        var options = default(JsonElement);
        List<StateDefinition> state = [];
        foreach (var property in item.EnumerateObject())
        {
            switch (property.Name)
            {
                case "name":
                    name = ReadName(property.Value, $"{where}.name", errors);
                    break;
                case "processor":
                    processor = ReadName(property.Value, $"{where}.processor", errors);
                    break;
                case "model":
                    model = ReadName(property.Value, $"{where}.model", errors);
                    break;
                case "version":
                    version = property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out var v) && v > 0
                        ? v.ToString(System.Globalization.CultureInfo.InvariantCulture)
                        : Error<string>(errors, $"'{where}.version' must be a positive integer");
                    break;
                case "inputs":
                    inputs = ReadWiring(property.Value, $"{where}.inputs", errors);
                    break;
                case "outputs":
                    outputs = ReadWiring(property.Value, $"{where}.outputs", errors);
                    break;
                case "options":
                    options = property.Value.Clone();
                    break;
                case "scan":
                    scan = ReadName(property.Value, $"{where}.scan", errors);
                    break;
                case "state":
                    state = ReadState(property.Value, $"{where}.state", errors);
                    break;
                default:
                    errors.Add($"unknown field '{where}.{property.Name}' (known: name, processor, model, version, inputs, outputs, options, scan, state)");
                    break;
            }
        }

        name ??= processor ?? model;
        if ((processor is null) == (model is null))
        {
            errors.Add($"'{where}' must name exactly one of 'processor' (a built-in step) or 'model' (a model of the repository)");
            return null;
        }

        if (processor is not null && (scan is not null || state.Count > 0 || version is not null))
        {
            errors.Add($"step '{name}': 'scan', 'state' and 'version' apply to model steps only");
        }

        if (model is not null && options.ValueKind != JsonValueKind.Undefined)
        {
            errors.Add($"step '{name}': 'options' apply to processor steps only");
        }

        return new StepDefinition(name!, processor, model, version, inputs, outputs, options, scan, state);
    }

    private static Dictionary<string, string> ReadWiring(JsonElement element, string where, List<string> errors)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"'{where}' must be an object mapping the step's own names to pipeline tensor names, e.g. {{\"input_ids\": \"ids\"}}");
            return map;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (ReadName(property.Value, $"{where}.{property.Name}", errors) is { } tensor)
            {
                map[property.Name] = tensor;
            }
        }

        return map;
    }

    private static List<StateDefinition> ReadState(JsonElement element, string where, List<string> errors) =>
        ReadObjects(element, where, "{\"input\", \"output\", \"dims\"}", errors, (item, at) =>
        {
            string? input = null, output = null;
            long[]? dims = null;
            foreach (var property in item.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "input":
                        input = ReadName(property.Value, $"{at}.input", errors);
                        break;
                    case "output":
                        output = ReadName(property.Value, $"{at}.output", errors);
                        break;
                    case "dims":
                        dims = ReadDims(property.Value, $"{at}.dims", allowDynamic: false, errors);
                        break;
                    default:
                        errors.Add($"unknown field '{at}.{property.Name}' (known: input, output, dims)");
                        break;
                }
            }

            return input is null || output is null
                ? Error<StateDefinition>(errors, $"'{at}' needs 'input' and 'output'")
                : new StateDefinition(input, output, dims);
        });

    private static SequenceOptions? ReadSequence(JsonElement element, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add("'pipeline.sequence' must be an object such as {\"idle_timeout_seconds\": 60}");
            return null;
        }

        var idle = DefaultIdleTimeoutSeconds;
        var max = DefaultMaxSequences;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "idle_timeout_seconds":
                    idle = ReadInt(property.Value, "pipeline.sequence.idle_timeout_seconds", 1, 86_400, errors) ?? idle;
                    break;
                case "max_sequences":
                    max = ReadInt(property.Value, "pipeline.sequence.max_sequences", 1, MaxSequencesLimit, errors) ?? max;
                    break;
                default:
                    errors.Add($"unknown field 'pipeline.sequence.{property.Name}' (known: idle_timeout_seconds, max_sequences)");
                    break;
            }
        }

        return new SequenceOptions(TimeSpan.FromSeconds(idle), max);
    }

    /// <summary>
    /// An array of objects at <paramref name="where"/>: each object goes to <paramref name="readItem"/>
    /// with its own path (e.g. "pipeline.steps[2]"), which returns null after adding its errors.
    /// </summary>
    private static List<T> ReadObjects<T>(JsonElement element, string where, string expected, List<string> errors, Func<JsonElement, string, T?> readItem)
        where T : class
    {
        var list = new List<T>();
        if (element.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"'{where}' must be an array of {expected} objects");
            return list;
        }

        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var at = $"{where}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"'{at}' must be an object");
            }
            else if (readItem(item, at) is { } value)
            {
                list.Add(value);
            }
        }

        return list;
    }

    private static string? ReadName(JsonElement element, string where, List<string> errors) =>
        element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 and <= 256 } name
            ? name
            : Error<string>(errors, $"'{where}' must be a non-empty string");

    private static DataType ReadDataType(JsonElement element, string where, List<string> errors) =>
        element.ValueKind == JsonValueKind.String && DataTypes.TryParse(element.GetString()!, out var type)
            ? type
            : Error(errors, $"'{where}' must be one of {DataTypes.ValidNames}", DataType.Invalid);

    private static long[]? ReadDims(JsonElement element, string where, bool allowDynamic, List<string> errors)
    {
        var what = allowDynamic ? "an array of integers (-1 for any size)" : "an array of non-negative integers";
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() > 16)
        {
            return Error<long[]>(errors, $"'{where}' must be {what}, at most 16 of them");
        }

        var dims = new List<long>();
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var dim) || dim < (allowDynamic ? -1 : 0) || dim > int.MaxValue)
            {
                return Error<long[]>(errors, $"'{where}' must be {what}");
            }

            dims.Add(dim);
        }

        return [.. dims];
    }

    private static List<double>? ReadNumbers(JsonElement element, string where, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return Error<List<double>>(errors, $"'{where}' must be an array of numbers");
        }

        var values = new List<double>();
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Number && item.TryGetDouble(out var value))
            {
                values.Add(value);
            }
            else if (item.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                values.Add(item.ValueKind == JsonValueKind.True ? 1 : 0);
            }
            else
            {
                return Error<List<double>>(errors, $"'{where}' must be an array of numbers");
            }
        }

        return values;
    }

    private static int? ReadInt(JsonElement element, string where, int min, int max, List<string> errors) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value) && value >= min && value <= max
            ? value
            : Error<int?>(errors, $"'{where}' must be an integer from {min} to {max}", null);

    private static T? Error<T>(List<string> errors, string message)
        where T : class
    {
        errors.Add(message);
        return null;
    }

    private static T Error<T>(List<string> errors, string message, T fallback)
    {
        errors.Add(message);
        return fallback;
    }
}

using System.Text.Json;
using Maas.Errors;

namespace Maas.Pipelines.Processors;

/// <summary>
/// A step's <c>options</c> object as a processor reads it. Each getter records problems instead
/// of throwing, and <see cref="ThrowIfInvalid"/> reports them all at once, together with any
/// option the processor never asked for (a typo must not be silently ignored).
/// </summary>
public sealed class ProcessorOptions
{
    private readonly JsonElement _options;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly List<string> _errors = [];
    private readonly IReadOnlyList<string> _searchFolders;

    /// <summary>Wraps <paramref name="options"/> (an object, or undefined for none).</summary>
    /// <param name="stepName">The step's name, for messages.</param>
    /// <param name="options">The <c>options</c> element; <see cref="JsonValueKind.Undefined"/> when absent.</param>
    /// <param name="searchFolders">Folders that relative file names resolve against, in order (the version folder, then the model folder).</param>
    public ProcessorOptions(string stepName, JsonElement options, IReadOnlyList<string> searchFolders)
    {
        StepName = stepName;
        _options = options;
        _searchFolders = searchFolders;
        if (options.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            _errors.Add($"'options' must be an object, not {options.ValueKind}");
        }
    }

    /// <summary>The step's name.</summary>
    public string StepName { get; }

    /// <summary>Records a problem found by the processor itself (e.g. a vocabulary that does not parse).</summary>
    public void AddError(string message) => _errors.Add(message);

    /// <summary>A string option, or <paramref name="fallback"/> when absent.</summary>
    public string? GetString(string name, string? fallback = null) =>
        TryGet(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : Bad<string?>(name, "a string", fallback)
            : fallback;

    /// <summary>A string option that must be one of <paramref name="allowed"/>.</summary>
    public string GetChoice(string name, string fallback, params string[] allowed)
    {
        var value = GetString(name, fallback) ?? fallback;
        if (Array.IndexOf(allowed, value) < 0)
        {
            _errors.Add($"'{name}' is '{value}'; it must be one of {string.Join(", ", allowed)}");
            return fallback;
        }

        return value;
    }

    /// <summary>A required string option.</summary>
    public string RequireString(string name)
    {
        var value = GetString(name);
        if (value is null && !Has(name))
        {
            _errors.Add($"'{name}' is required");
        }

        return value ?? "";
    }

    /// <summary>An integer option within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int GetInt(string name, int fallback, int min, int max)
    {
        if (!TryGet(name, out var value))
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < min || number > max)
        {
            return Bad(name, $"an integer from {min} to {max}", fallback);
        }

        return (int)number;
    }

    /// <summary>A number option within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public double GetDouble(string name, double fallback, double min, double max)
    {
        if (!TryGet(name, out var value))
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number < min || number > max || double.IsNaN(number))
        {
            return Bad(name, $"a number from {min} to {max}", fallback);
        }

        return number;
    }

    /// <summary>A boolean option.</summary>
    public bool GetBool(string name, bool fallback) =>
        TryGet(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => Bad(name, "true or false", fallback),
            }
            : fallback;

    /// <summary>An array of numbers with exactly <paramref name="length"/> entries (any length when 0).</summary>
    public float[] GetFloats(string name, float[] fallback, int length = 0)
    {
        if (!TryGet(name, out var value))
        {
            return fallback;
        }

        var what = length > 0 ? $"an array of {length} numbers" : "an array of numbers";
        if (value.ValueKind != JsonValueKind.Array || (length > 0 && value.GetArrayLength() != length))
        {
            return Bad(name, what, fallback);
        }

        var result = new float[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out var number) || !double.IsFinite(number))
            {
                return Bad(name, what, fallback);
            }

            result[i++] = (float)number;
        }

        return result;
    }

    /// <summary>An array of integers (e.g. a fixed size <c>[height, width]</c>), each within the bounds.</summary>
    public int[]? GetInts(string name, int[]? fallback, int length, int min, int max)
    {
        if (!TryGet(name, out var value))
        {
            return fallback;
        }

        var what = $"an array of {length} integers from {min} to {max}";
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != length)
        {
            return Bad(name, what, fallback);
        }

        var result = new int[length];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number) || number < min || number > max)
            {
                return Bad(name, what, fallback);
            }

            result[i++] = (int)number;
        }

        return result;
    }

    /// <summary>
    /// A file named by a required option, resolved against the version folder, then the model
    /// folder. Names that leave those folders are refused. Returns "" (with an error recorded)
    /// when the file is missing.
    /// </summary>
    public string RequireFile(string name, string? fallbackFileName = null)
    {
        var fileName = GetString(name, fallbackFileName);
        if (string.IsNullOrEmpty(fileName))
        {
            _errors.Add($"'{name}' is required: the name of a file in the version folder or the model folder");
            return "";
        }

        if (Path.IsPathRooted(fileName) || fileName.Split('/', '\\').Contains(".."))
        {
            _errors.Add($"'{name}' is '{fileName}'; it must be a relative file name inside the model folder (no '..', not absolute)");
            return "";
        }

        foreach (var folder in _searchFolders)
        {
            var path = Path.Combine(folder, fileName);
            if (File.Exists(path))
            {
                return path;
            }
        }

        _errors.Add($"'{name}' names '{fileName}', which is not in {string.Join(" or ", _searchFolders)}");
        return "";
    }

    /// <summary>Throws one InvalidArgument listing every problem, including options nobody read.</summary>
    public void ThrowIfInvalid(string processorKind)
    {
        if (_options.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in _options.EnumerateObject())
            {
                if (!_read.Contains(property.Name))
                {
                    _errors.Add($"unknown option '{property.Name}'");
                }
            }
        }

        if (_errors.Count > 0)
        {
            throw MaasError.InvalidArgument($"step '{StepName}' ({processorKind}): {string.Join("; ", _errors)}");
        }
    }

    /// <summary>True when any problem has been recorded so far.</summary>
    public bool HasErrors => _errors.Count > 0;

    private bool Has(string name) => _options.ValueKind == JsonValueKind.Object && _options.TryGetProperty(name, out _);

    private bool TryGet(string name, out JsonElement value)
    {
        _read.Add(name);
        value = default;
        return _options.ValueKind == JsonValueKind.Object && _options.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private T Bad<T>(string name, string what, T fallback)
    {
        _errors.Add($"'{name}' must be {what}");
        return fallback;
    }
}

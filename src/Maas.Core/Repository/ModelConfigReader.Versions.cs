using System.Globalization;
using System.Text.Json;

namespace Maas.Core.Repository;

/// <summary>The version fields of config.json: <c>version_policy</c>, <c>labels</c>, <c>traffic</c>, <c>warmup</c>.</summary>
public static partial class ModelConfigReader
{
    /// <summary>Upper bound for <c>version_policy.latest.num_versions</c> and the length of <c>specific.versions</c>.</summary>
    public const int MaxServedVersions = 1024;

    /// <summary>Upper bound for the number of <c>labels</c> and <c>traffic</c> entries.</summary>
    public const int MaxLabels = 256;

    /// <summary>Upper bound for <c>warmup.runs</c>.</summary>
    public const int MaxWarmupRuns = 1000;

    private const string PolicyForms = "{\"latest\": {\"num_versions\": 1}}, {\"specific\": {\"versions\": [1, 3]}} or {\"all\": {}}";

    /// <summary>
    /// The settings of the config file at <paramref name="path"/> apart from <c>labels</c> and
    /// <c>traffic</c>, as canonical text: equal keys mean the versions need no reload. Null when
    /// the file cannot be read; its raw text when it is not a JSON object (it fails to load anyway).
    /// </summary>
    public static string? SettingsKey(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        try
        {
            if (System.Text.Json.Nodes.JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }) is System.Text.Json.Nodes.JsonObject root)
            {
                root.Remove("labels");
                root.Remove("traffic");
                return root.ToJsonString();
            }
        }
        catch (JsonException)
        {
        }

        return text;
    }

    private static VersionPolicy ReadVersionPolicy(JsonElement element, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object || element.GetPropertyCount() != 1)
        {
            errors.Add($"'version_policy' must be one of {PolicyForms}, not {Excerpt(element)}");
            return VersionPolicy.Default;
        }

        var property = element.EnumerateObject().First();
        var body = property.Value;
        switch (property.Name)
        {
            case "all" when body.ValueKind == JsonValueKind.Object && body.GetPropertyCount() == 0:
                return VersionPolicy.All;
            case "latest" when body.ValueKind == JsonValueKind.Object:
                var count = 1;
                foreach (var field in body.EnumerateObject())
                {
                    if (field.Name == "num_versions")
                    {
                        count = ReadInt(field, "version_policy.latest.", 1, MaxServedVersions, errors);
                    }
                    else
                    {
                        errors.Add($"unknown field 'version_policy.latest.{field.Name}' (known: num_versions)");
                    }
                }

                return new VersionPolicy { Kind = VersionPolicyKind.Latest, Count = count };
            case "specific" when body.ValueKind == JsonValueKind.Object
                && body.TryGetProperty("versions", out var list) && body.GetPropertyCount() == 1:
                var versions = ReadVersionList(list, errors);
                return versions is null ? VersionPolicy.Default : new VersionPolicy { Kind = VersionPolicyKind.Specific, Versions = versions };
            default:
                errors.Add($"'version_policy' must be one of {PolicyForms}, not {Excerpt(element)}");
                return VersionPolicy.Default;
        }
    }

    private static long[]? ReadVersionList(JsonElement list, List<string> errors)
    {
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > MaxServedVersions)
        {
            errors.Add($"'version_policy.specific.versions' must be a list of 1 to {MaxServedVersions} version numbers, not {Excerpt(list)}");
            return null;
        }

        var versions = new SortedSet<long>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var version) || version < 1)
            {
                errors.Add($"'version_policy.specific.versions' holds {Excerpt(item)}; versions are positive integers");
                return null;
            }

            versions.Add(version);
        }

        return [.. versions];
    }

    private static Dictionary<string, long> ReadLabels(JsonElement element, List<string> errors)
    {
        var labels = new Dictionary<string, long>(StringComparer.Ordinal);
        if (element.ValueKind != JsonValueKind.Object || element.GetPropertyCount() > MaxLabels)
        {
            errors.Add($"'labels' must be an object of at most {MaxLabels} label names and versions, such as {{\"stable\": 3, \"canary\": 4}}, not {Excerpt(element)}");
            return labels;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!IsLabelName(property.Name))
            {
                errors.Add($"label '{property.Name}' is not a valid name: 1 to 64 letters, digits, '_', '-' or '.', starting with a letter or digit, and not a number (numbers name versions)");
            }
            else if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out var version) || version < 1)
            {
                errors.Add($"label '{property.Name}' must name a version, a positive integer, not {Excerpt(property.Value)}");
            }
            else if (!labels.TryAdd(property.Name, version))
            {
                errors.Add($"label '{property.Name}' appears twice");
            }
        }

        return labels;
    }

    /// <summary>True when <paramref name="name"/> can be a label: not a version number, nor anything a URL path would bend.</summary>
    public static bool IsLabelName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > 64 || !char.IsAsciiLetterOrDigit(name[0]) || RepositoryScanner.TryParseVersion(name, out _))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static List<TrafficWeight>? ReadTraffic(JsonElement element, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object || element.GetPropertyCount() is 0 or > MaxLabels)
        {
            errors.Add($"'traffic' must be an object of version numbers and weights, such as {{\"3\": 90, \"4\": 10}}, not {Excerpt(element)}");
            return null;
        }

        var weights = new List<TrafficWeight>();
        long total = 0;
        foreach (var property in element.EnumerateObject())
        {
            if (!RepositoryScanner.TryParseVersion(property.Name, out var version))
            {
                errors.Add($"'traffic' key '{property.Name}' is not a version number (a positive integer such as \"3\")");
                continue;
            }

            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var weight) || weight < 0 || weight > 1_000_000)
            {
                errors.Add($"'traffic.{property.Name}' must be a weight, an integer from 0 to 1000000, not {Excerpt(property.Value)}");
                continue;
            }

            if (weights.Exists(w => w.Version == version))
            {
                errors.Add($"'traffic' names version {version} twice");
                continue;
            }

            weights.Add(new TrafficWeight(version, weight));
            total += weight;
        }

        if (weights.Count > 0 && total == 0)
        {
            errors.Add("'traffic' weights are all 0; give at least one version a positive weight");
        }

        weights.Sort((a, b) => a.Version.CompareTo(b.Version));
        return weights;
    }

    private static bool ReadResponseCache(JsonElement element, List<string> errors)
    {
        if (element.ValueKind == JsonValueKind.Object && element.GetPropertyCount() == 1
            && element.TryGetProperty("enabled", out var enabled) && enabled.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return enabled.GetBoolean();
        }

        errors.Add($"'response_cache' must be {{\"enabled\": true}} or {{\"enabled\": false}}, not {Excerpt(element)}");
        return false;
    }

    private static WarmupConfig? ReadWarmup(JsonElement element, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"'warmup' must be an object such as {{\"runs\": 1, \"inputs\": {{\"sr\": [16000]}}}}, not {Excerpt(element)}");
            return null;
        }

        var warmup = new WarmupConfig();
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "runs":
                    warmup = warmup with { Runs = ReadInt(property, "warmup.", 1, MaxWarmupRuns, errors) };
                    break;
                case "inputs":
                    warmup = warmup with { Inputs = ReadWarmupInputs(property.Value, errors) };
                    break;
                default:
                    errors.Add($"unknown field 'warmup.{property.Name}' (known: runs, inputs)");
                    break;
            }
        }

        return warmup;
    }

    private static Dictionary<string, IReadOnlyList<WarmupValue>> ReadWarmupInputs(JsonElement element, List<string> errors)
    {
        var inputs = new Dictionary<string, IReadOnlyList<WarmupValue>>(StringComparer.Ordinal);
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"'warmup.inputs' must be an object of input names and flat value lists, such as {{\"sr\": [16000]}}, not {Excerpt(element)}");
            return inputs;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() == 0)
            {
                errors.Add($"'warmup.inputs.{property.Name}' must be a non-empty flat list of values, not {Excerpt(property.Value)}");
                continue;
            }

            var values = new List<WarmupValue>(property.Value.GetArrayLength());
            foreach (var item in property.Value.EnumerateArray())
            {
                switch (item.ValueKind)
                {
                    case JsonValueKind.Number:
                        values.Add(new WarmupValue(item.GetDouble(), null));
                        break;
                    case JsonValueKind.True or JsonValueKind.False:
                        values.Add(new WarmupValue(item.ValueKind == JsonValueKind.True ? 1 : 0, null));
                        break;
                    case JsonValueKind.String:
                        values.Add(new WarmupValue(0, item.GetString()));
                        break;
                    default:
                        errors.Add(string.Create(CultureInfo.InvariantCulture, $"'warmup.inputs.{property.Name}' holds {Excerpt(item)}; values are numbers, booleans or strings, flat"));
                        break;
                }
            }

            inputs[property.Name] = values;
        }

        return inputs;
    }
}

using System.Globalization;
using Maas.Errors;

namespace Maas.Core.Repository;

/// <summary>
/// Finds models in a repository laid out as <c>&lt;repo&gt;/&lt;model&gt;/&lt;version&gt;/&lt;model file&gt;</c>
/// with an optional <c>&lt;repo&gt;/&lt;model&gt;/config.json</c>. Only reads the directory tree;
/// loading is the lifecycle's job.
/// </summary>
public static class RepositoryScanner
{
    /// <summary>The optional per-model configuration file.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>
    /// Lists the models under <paramref name="root"/>, sorted by name. Hidden folders (leading
    /// <c>.</c>) are skipped; folders whose name is not a positive integer are not versions.
    /// Throws NotFound when the repository itself does not exist.
    /// </summary>
    public static IReadOnlyList<ModelDirectory> Scan(string root)
    {
        if (!Directory.Exists(root))
        {
            throw MaasError.NotFound($"Model repository '{root}' does not exist. Pass an existing folder with --model-repository; it holds <model>/<version>/model.onnx.");
        }

        var models = new List<ModelDirectory>();
        foreach (var modelPath in Directory.EnumerateDirectories(root))
        {
            var name = System.IO.Path.GetFileName(modelPath);
            if (!IsValidModelName(name))
            {
                continue;
            }

            var configPath = System.IO.Path.Combine(modelPath, ConfigFileName);
            models.Add(new ModelDirectory(name, modelPath, File.Exists(configPath) ? configPath : null, ScanVersions(modelPath)));
        }

        models.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return models;
    }

    /// <summary>
    /// The folder of model <paramref name="name"/>, or null when the repository has none. Throws
    /// InvalidArgument for a name that is not a plain folder name (<c>..</c>, separators, a leading
    /// dot): a client-given name must never reach outside the repository.
    /// </summary>
    public static ModelDirectory? ScanModel(string root, string name)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!IsValidModelName(name))
        {
            throw MaasError.InvalidArgument($"'{name}' is not a model name: a model name is one folder name under the repository, without '/', '\\', a leading '.', or control characters.");
        }

        var modelPath = System.IO.Path.Combine(root, name);
        if (!Directory.Exists(modelPath))
        {
            return null;
        }

        var configPath = System.IO.Path.Combine(modelPath, ConfigFileName);
        return new ModelDirectory(name, modelPath, File.Exists(configPath) ? configPath : null, ScanVersions(modelPath));
    }

    /// <summary>True when <paramref name="name"/> is a single, visible folder name (the only names models may have).</summary>
    public static bool IsValidModelName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 255 || name[0] == '.')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is '/' or '\\' || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="text"/> is a version as the repository spells it: a positive integer without sign or leading zeros.</summary>
    public static bool TryParseVersion(string? text, out long version)
    {
        version = 0;
        return !string.IsNullOrEmpty(text)
            && text[0] is >= '1' and <= '9'
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }

    private static List<VersionDirectory> ScanVersions(string modelPath)
    {
        var versions = new List<VersionDirectory>();
        foreach (var versionPath in Directory.EnumerateDirectories(modelPath))
        {
            if (TryParseVersion(System.IO.Path.GetFileName(versionPath), out var version))
            {
                versions.Add(new VersionDirectory(version, versionPath));
            }
        }

        versions.Sort((a, b) => a.Version.CompareTo(b.Version));
        return versions;
    }
}

using Maas.Core.Repository;

namespace Maas.Core.Lifecycle;

/// <summary>
/// A model in the repository and its versions: one immutable snapshot, replaced whole when the
/// model changes. When the model as a whole cannot load (bad config, no version folders),
/// <see cref="Error"/> says why and <see cref="Versions"/> is empty. When a reload failed while
/// older versions keep serving, <see cref="ReloadError"/> says why.
/// </summary>
public sealed class ServedModel
{
    internal ServedModel(string name, ModelConfig? config, IReadOnlyList<ModelVersion> versions, string? error, string? reloadError = null, string? configKey = null)
    {
        Name = name;
        Config = config;
        Versions = versions;
        Error = error;
        ReloadError = reloadError;
        ConfigKey = configKey;
    }

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>The parsed config.json (defaults when absent) the versions were loaded with; null when it failed to parse.</summary>
    public ModelConfig? Config { get; }

    /// <summary>Versions in ascending order: serving, failed, or loading.</summary>
    public IReadOnlyList<ModelVersion> Versions { get; }

    /// <summary>Why the whole model failed; null when it was found and read.</summary>
    public string? Error { get; }

    /// <summary>Why the last reload or load request failed while these versions kept serving; null when it did not.</summary>
    public string? ReloadError { get; }

    /// <summary>
    /// config.json's settings apart from <c>labels</c> and <c>traffic</c>, as the versions were
    /// loaded with them (empty: no file; null: an override or unknown). A change of labels or
    /// traffic alone only re-routes; any other change reloads the versions.
    /// </summary>
    internal string? ConfigKey { get; }

    /// <summary>
    /// Versions that failed to load while others kept serving (a broken new version dropped in):
    /// reported by the index and by requests that name them, but not counted against readiness.
    /// </summary>
    public IReadOnlyList<ModelVersion> Rejected { get; init; } = [];

    /// <summary>The folder's state (config and model file stamps) this snapshot was made from; the watcher compares it.</summary>
    internal string? Fingerprint { get; init; }

    /// <summary>The version that serves requests naming none: the highest ready one, or null.</summary>
    public ModelVersion? DefaultVersion
    {
        get
        {
            for (var i = Versions.Count - 1; i >= 0; i--)
            {
                if (Versions[i].State == ModelVersionState.Ready)
                {
                    return Versions[i];
                }
            }

            return null;
        }
    }

    /// <summary>True when every version is ready and the model has no error.</summary>
    public bool IsFullyReady
    {
        get
        {
            if (Error is not null || Versions.Count == 0)
            {
                return false;
            }

            foreach (var version in Versions)
            {
                if (version.State != ModelVersionState.Ready)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The version numbered <paramref name="version"/>, or null.</summary>
    public ModelVersion? Find(long version)
    {
        foreach (var candidate in Versions)
        {
            if (candidate.Version == version)
            {
                return candidate;
            }
        }

        return null;
    }
}

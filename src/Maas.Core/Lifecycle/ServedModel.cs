using Maas.Core.Repository;

namespace Maas.Core.Lifecycle;

/// <summary>
/// A model in the repository and its versions. When the model as a whole cannot load (bad
/// config, no version folders), <see cref="Error"/> says why and <see cref="Versions"/> is empty.
/// </summary>
public sealed class ServedModel
{
    internal ServedModel(string name, ModelConfig? config, IReadOnlyList<ModelVersion> versions, string? error)
    {
        Name = name;
        Config = config;
        Versions = versions;
        Error = error;
    }

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>The parsed config.json (defaults when absent); null when it failed to parse.</summary>
    public ModelConfig? Config { get; }

    /// <summary>Versions in ascending order, ready or not.</summary>
    public IReadOnlyList<ModelVersion> Versions { get; }

    /// <summary>Why the whole model failed; null when it was found and read.</summary>
    public string? Error { get; }

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
}

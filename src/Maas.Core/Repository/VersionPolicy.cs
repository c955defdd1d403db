namespace Maas.Core.Repository;

/// <summary>How a version policy picks versions.</summary>
public enum VersionPolicyKind
{
    /// <summary>The <see cref="VersionPolicy.Count"/> highest version numbers.</summary>
    Latest,

    /// <summary>Exactly the listed <see cref="VersionPolicy.Versions"/> (those that exist).</summary>
    Specific,

    /// <summary>Every version folder.</summary>
    All,
}

/// <summary>
/// Which of a model's version folders are served (<c>version_policy</c> in config.json, as
/// Triton and TF Serving spell it): <c>{"latest": {"num_versions": N}}</c> (default N = 1),
/// <c>{"specific": {"versions": [1, 3]}}</c> or <c>{"all": {}}</c>.
/// </summary>
public sealed record VersionPolicy
{
    /// <summary>The default: serve the highest version only.</summary>
    public static VersionPolicy Default { get; } = new() { Kind = VersionPolicyKind.Latest, Count = 1 };

    /// <summary>The kind of policy.</summary>
    public VersionPolicyKind Kind { get; init; }

    /// <summary>For <see cref="VersionPolicyKind.Latest"/>: how many of the highest versions.</summary>
    public int Count { get; init; } = 1;

    /// <summary>For <see cref="VersionPolicyKind.Specific"/>: the versions, ascending.</summary>
    public IReadOnlyList<long> Versions { get; init; } = [];

    /// <summary>Serve every version.</summary>
    public static VersionPolicy All { get; } = new() { Kind = VersionPolicyKind.All };

    /// <summary>The versions of <paramref name="available"/> (ascending) that this policy serves, ascending.</summary>
    public IReadOnlyList<long> Select(IReadOnlyList<long> available)
    {
        ArgumentNullException.ThrowIfNull(available);
        switch (Kind)
        {
            case VersionPolicyKind.All:
                return available;
            case VersionPolicyKind.Latest:
                var skip = Math.Max(0, available.Count - Count);
                var latest = new long[available.Count - skip];
                for (var i = 0; i < latest.Length; i++)
                {
                    latest[i] = available[skip + i];
                }

                return latest;
            default:
                var chosen = new List<long>(Versions.Count);
                foreach (var version in available)
                {
                    if (Versions.Contains(version))
                    {
                        chosen.Add(version);
                    }
                }

                return chosen;
        }
    }

    /// <summary>The policy as config.json writes it, for messages.</summary>
    public override string ToString() => Kind switch
    {
        VersionPolicyKind.All => "all",
        VersionPolicyKind.Latest => $"latest {Count}",
        _ => $"specific [{string.Join(", ", Versions)}]",
    };
}

/// <summary>One version's share of the traffic that names no version (config.json <c>traffic</c>).</summary>
/// <param name="Version">The version number.</param>
/// <param name="Weight">Its weight; shares are weight ÷ the sum of the weights of ready versions.</param>
public sealed record TrafficWeight(long Version, int Weight);

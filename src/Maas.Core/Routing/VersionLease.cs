using Maas.Core.Lifecycle;

namespace Maas.Core.Routing;

/// <summary>
/// A request's hold on the version that serves it, from routing until its answer is written: the
/// version is not released while a lease is held, even if a newer one replaced it meanwhile.
/// Dispose exactly once (a <c>using</c> declaration); copies share the one lease.
/// </summary>
public readonly struct VersionLease : IDisposable
{
    internal VersionLease(ModelVersion version)
    {
        Version = version;
    }

    /// <summary>The version that serves the request.</summary>
    public ModelVersion Version { get; }

    /// <summary>Returns the lease.</summary>
    public void Dispose() => Version?.Release();
}

namespace Maas.Core.Lifecycle;

/// <summary>Where a model version is in its life. Reported by the ready and metadata endpoints.</summary>
public enum ModelVersionState
{
    /// <summary>Being read and initialised; not serving yet.</summary>
    Loading,
    /// <summary>Serving requests.</summary>
    Ready,
    /// <summary>Failed to load or was taken down; the reason says why.</summary>
    Unavailable,
    /// <summary>Draining in-flight requests before release.</summary>
    Unloading,
}

namespace Maas.Models;

/// <summary>
/// Engine settings for one model instance, resolved from the model's config.json and server defaults.
/// </summary>
public sealed record EngineOptions
{
    /// <summary>Threads used inside one operator; 0 lets the engine choose (one per core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads used to run independent operators in parallel; 0 lets the engine choose.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>Graph rewriting allowed at load. Default <see cref="GraphOptimizationLevel.All"/>.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.All;
}

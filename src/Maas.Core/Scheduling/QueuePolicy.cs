namespace Maas.Core.Scheduling;

/// <summary>
/// The queue in front of a model version (<c>config.json</c>: <c>queue { ... }</c>): its bound,
/// request timeouts and priority levels.
/// </summary>
public sealed record QueuePolicy
{
    /// <summary>Default bound of the queue: requests waiting beyond it are refused with 429.</summary>
    public const int DefaultMaxQueueSize = 1024;

    /// <summary>Requests that may wait at once (1 to 1,000,000). Default 1024; more is refused with ResourceExhausted (429).</summary>
    public int MaxQueueSize { get; init; } = DefaultMaxQueueSize;

    /// <summary>How long a request may wait before it runs; null (default) for no limit. Expired requests never run.</summary>
    public TimeSpan? DefaultTimeout { get; init; }

    /// <summary>Whether a request's <c>timeout</c> parameter (microseconds) may override <see cref="DefaultTimeout"/>. Default true.</summary>
    public bool AllowTimeoutOverride { get; init; } = true;

    /// <summary>Number of priority levels; level 1 is served first. Default 1 (no priorities).</summary>
    public int PriorityLevels { get; init; } = 1;

    /// <summary>Level of requests that name none (1..<see cref="PriorityLevels"/>). Default: the lowest level.</summary>
    public int? DefaultPriorityLevel { get; init; }
}

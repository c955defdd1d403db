namespace Maas.Core.Scheduling;

/// <summary>
/// Test hooks, like Triton's delay-scheduler switch: they make batch formation deterministic.
/// Never set in production.
/// </summary>
public sealed class SchedulerHooks
{
    private int _holdUntilQueued;

    /// <summary>
    /// Workers take nothing from the queue until this many requests wait in it, then the hold is
    /// released for good. 0 (default) holds nothing.
    /// </summary>
    public int HoldUntilQueued
    {
        get => Volatile.Read(ref _holdUntilQueued);
        set => Volatile.Write(ref _holdUntilQueued, value);
    }
}

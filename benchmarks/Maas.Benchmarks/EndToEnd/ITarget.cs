namespace Maas.Benchmarks.EndToEnd;

/// <summary>One thing to time: a single synchronous request, run at concurrency 1.</summary>
internal interface ITarget
{
    /// <summary>Short name for tables (e.g. "in-process", "maas binary").</summary>
    string Name { get; }

    /// <summary>
    /// True when this target runs on the engine CPU (the in-process baseline, on the
    /// <see cref="PinnedWorker"/>) rather than on the client's thread: both then see the same core.
    /// </summary>
    bool OnEngineCpu { get; }

    /// <summary>Runs one request to completion (response fully read).</summary>
    void Invoke();
}

using Maas.Benchmarks.EndToEnd;
using Maas.Benchmarks.Payloads;

namespace Maas.Benchmarks.Load;

/// <summary>
/// The ceiling: ONNX Runtime called in-process back to back (see <see cref="InProcessTarget"/>:
/// the server's session options, 1 intra-op thread) on the server's engine CPU through a
/// <see cref="PinnedWorker"/>, with a batch of <see cref="Rows"/> rows per run.
/// </summary>
internal sealed class InProcessLoadTarget : ILoadTarget
{
    private readonly InProcessTarget _engine;
    private readonly PinnedWorker? _cpu;

    public InProcessLoadTarget(string modelPath, ModelPayload payload, int rows, int sessions, PinnedWorker? cpu)
    {
        Rows = rows;
        Name = $"in-process ORT, batch {rows}";
        _engine = new InProcessTarget(modelPath, Payloads.Payloads.Repeat(payload, rows), sessions);
        _cpu = cpu;
    }

    public string Name { get; }

    public bool UsesConcurrency => false;

    public int Rows { get; }

    /// <summary>The outputs of one run (to check the server's answers against, at batch 1).</summary>
    public IReadOnlyList<float[]> Outputs() => _engine.Outputs();

    public LoadWindow Measure(int concurrency, double warmupSeconds, double windowSeconds) =>
        BackToBack.Measure(_engine, Rows, _cpu, warmupSeconds, windowSeconds);

    public void Dispose() => _engine.Dispose();
}

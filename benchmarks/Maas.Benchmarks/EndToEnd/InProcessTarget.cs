using System.Diagnostics;
using System.Runtime.InteropServices;
using Maas.Benchmarks.Payloads;
using Maas.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// The baseline: ONNX Runtime called directly, with the session options the server derives from
/// the temp repository's config.json (1 intra-op, 1 inter-op thread, sequential, ORT_ENABLE_ALL),
/// inputs bound once over pinned memory, every model output requested as the server does.
/// </summary>
/// <remarks>
/// Identical sessions of one model can differ by up to ~15% (seen for MiniLM here; ResNet18 and
/// small-cnn within 1%), apparently from where their weights and arenas land in memory. So the
/// baseline takes turns over several sessions and reports their spread: a server delta smaller
/// than that spread cannot be told from the luck of the server's own session.
/// </remarks>
internal sealed class InProcessTarget : ITarget, IDisposable
{
    private readonly InferenceSession[] _sessions;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly OrtValue[] _inputs;
    private readonly byte[][] _pinned;
    private readonly string[] _outputNames;
    private readonly List<long>[] _perSession;
    private int _next;

    public InProcessTarget(string modelPath, ModelPayload payload, int sessions)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        _sessions = new InferenceSession[Math.Max(1, sessions)];
        _perSession = new List<long>[_sessions.Length];
        for (var s = 0; s < _sessions.Length; s++)
        {
            _sessions[s] = new InferenceSession(modelPath, options);
            _perSession[s] = new List<long>(4096);
        }

        _inputNames = new string[payload.Inputs.Count];
        _inputs = new OrtValue[payload.Inputs.Count];
        _pinned = new byte[payload.Inputs.Count][];
        for (var i = 0; i < _inputs.Length; i++)
        {
            var input = payload.Inputs[i];
            // On the pinned heap, so the engine reads it in place; the field keeps it alive as long as the OrtValue.
            var pinned = _pinned[i] = GC.AllocateUninitializedArray<byte>(input.Bytes.Length, pinned: true);
            input.Bytes.CopyTo(pinned, 0);
            _inputNames[i] = input.Name;
            _inputs[i] = OrtValue.CreateTensorValueWithData(
                OrtMemoryInfo.DefaultInstance,
                (TensorElementType)input.DataType.OnnxElementType(),
                input.Shape,
                Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0),
                pinned.Length);
        }

        _outputNames = [.. _sessions[0].OutputNames];
    }

    public string Name => E2eCommand.Baseline;

    public bool OnEngineCpu => true;

    public int Sessions => _sessions.Length;

    public void Invoke()
    {
        var s = _next;
        _next = (s + 1) % _sessions.Length;
        var t0 = Stopwatch.GetTimestamp();
        using (_sessions[s].Run(_runOptions, _inputNames, _inputs, _outputNames))
        {
        }

        _perSession[s].Add(Stopwatch.GetTimestamp() - t0);
    }

    /// <summary>Forgets the per-session timings (call after warm-up).</summary>
    public void ResetSessionStats()
    {
        foreach (var list in _perSession)
        {
            list.Clear();
        }
    }

    /// <summary>Median latency of each session since the last reset, in microseconds.</summary>
    public double[] SessionP50s() =>
        [.. _perSession.Where(l => l.Count > 0).Select(l => new LatencyWindow([.. l], 0).P50)];

    /// <summary>Runs once and returns each output as floats, to check the server's answers against.</summary>
    public IReadOnlyList<float[]> Outputs()
    {
        using var results = _sessions[0].Run(_runOptions, _inputNames, _inputs, _outputNames);
        var outputs = new List<float[]>();
        foreach (var value in results)
        {
            outputs.Add(value.GetTensorDataAsSpan<float>().ToArray());
        }

        return outputs;
    }

    public void Dispose()
    {
        foreach (var input in _inputs)
        {
            input.Dispose();
        }

        _runOptions.Dispose();
        foreach (var session in _sessions)
        {
            session.Dispose();
        }
    }
}

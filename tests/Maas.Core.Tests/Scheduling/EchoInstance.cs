using System.Collections.Concurrent;
using Maas.Buffers;
using Maas.Inference;
using Maas.Models;
using Maas.Tensors;

namespace Maas.Core.Tests.Scheduling;

/// <summary>
/// A fake engine for scheduler tests: output "y" is input "x" with every FP32 value doubled, so a
/// batch's rows stay independent, as in a real batchable model. Records each run's batch size and
/// the first value of each run, and can hold runs until released.
/// </summary>
internal sealed class EchoInstance : IModelInstance
{
    public static ModelMetadata Metadata { get; } = new("fake", [new TensorMetadata("x", DataType.Fp32, TensorShape.Of(-1, 2))], [new TensorMetadata("y", DataType.Fp32, TensorShape.Of(-1, 2))]);

    private readonly SemaphoreSlim? _gate;

    public EchoInstance(bool gated = false)
    {
        _gate = gated ? new SemaphoreSlim(0) : null;
    }

    /// <summary>Rows of each run, in run order.</summary>
    public ConcurrentQueue<long> BatchRows { get; } = new();

    /// <summary>The first value of x in each run, in run order (identifies which request ran first).</summary>
    public ConcurrentQueue<float> FirstValues { get; } = new();

    public bool IsDisposed { get; private set; }

    /// <summary>Managed thread ids the runs happened on.</summary>
    public ConcurrentQueue<int> Threads { get; } = new();

    private int _waiting;

    /// <summary>Runs waiting at the gate now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Called inside each run, e.g. to move a fake clock by the run's "compute time".</summary>
    public Action? OnRun { get; set; }

    /// <summary>Lets <paramref name="runs"/> held runs proceed.</summary>
    public void Release(int runs = 1) => _gate!.Release(runs);

    public InferenceResponse Run(InferenceRequest request, IReadOnlyList<string> outputNames, string modelVersion, CancellationToken cancellationToken)
    {
        Threads.Enqueue(Environment.CurrentManagedThreadId);
        Interlocked.Increment(ref _waiting);
        _gate?.Wait(TimeSpan.FromSeconds(30), cancellationToken);
        Interlocked.Decrement(ref _waiting);
        OnRun?.Invoke();
        var x = request.Inputs[0];
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(x.Data.Span);
        BatchRows.Enqueue(x.Shape[0]);
        FirstValues.Enqueue(values.IsEmpty ? float.NaN : values[0]);
        var buffer = new PooledBuffer(x.Data.Length);
        var output = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(buffer.Span);
        for (var i = 0; i < values.Length; i++)
        {
            output[i] = values[i] * 2;
        }

        var response = new InferenceResponse(request.ModelName, modelVersion);
        response.Own(buffer);
        response.Outputs.Add(new Tensor("y", DataType.Fp32, x.Shape, buffer.Memory));
        return response;
    }

    public void Dispose() => IsDisposed = true;
}

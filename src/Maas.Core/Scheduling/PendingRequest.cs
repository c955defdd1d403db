using Maas.Inference;
using Maas.Tensors;

namespace Maas.Core.Scheduling;

/// <summary>
/// A validated request waiting in a scheduler's queue, with what batching needs to know about it.
/// The scheduler owns the entry; the caller keeps owning <see cref="Request"/> and receives the
/// response (which it then owns) through <see cref="Completion"/>.
/// </summary>
internal sealed class PendingRequest
{
    private const int Queued = 0, Taken = 1, Abandoned = 2;
    private int _state;

    public PendingRequest(InferenceRequest request, Tensor[] orderedInputs, IReadOnlyList<string> outputs, long rows, int priority, long enqueuedAt, long? deadline, CancellationToken cancellationToken)
    {
        Request = request;
        OrderedInputs = orderedInputs;
        Outputs = outputs;
        Rows = rows;
        Priority = priority;
        EnqueuedAt = enqueuedAt;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    public InferenceRequest Request { get; }

    /// <summary>The inputs in the model's input order, so batches line up by position.</summary>
    public Tensor[] OrderedInputs { get; }

    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Rows in the batch dimension (1 when the model does not batch).</summary>
    public long Rows { get; }

    /// <summary>Priority level, 1 first.</summary>
    public int Priority { get; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when queued.</summary>
    public long EnqueuedAt { get; }

    /// <summary>Timestamp after which the request must not run; null for none.</summary>
    public long? Deadline { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>How long it waited in the queue before its batch started (set when it is run).</summary>
    public TimeSpan QueueTime { get; set; }

    public TaskCompletionSource<InferenceResponse> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A worker takes the request to run it; false when the caller gave up first.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    /// <summary>The caller gives up (deadline, client gone); false when a worker already took it.</summary>
    public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;

    public bool IsAbandoned => Volatile.Read(ref _state) == Abandoned;

    /// <summary>True when the two can run in one batch: same outputs, same input types and shapes past the batch dimension.</summary>
    public bool CanBatchWith(PendingRequest other)
    {
        if (Outputs.Count != other.Outputs.Count || OrderedInputs.Length != other.OrderedInputs.Length)
        {
            return false;
        }

        for (var i = 0; i < Outputs.Count; i++)
        {
            if (!string.Equals(Outputs[i], other.Outputs[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        for (var i = 0; i < OrderedInputs.Length; i++)
        {
            var a = OrderedInputs[i].Shape.Dimensions;
            var b = other.OrderedInputs[i].Shape.Dimensions;
            if (OrderedInputs[i].DataType != other.OrderedInputs[i].DataType || a.Length != b.Length || !a[1..].SequenceEqual(b[1..]))
            {
                return false;
            }
        }

        return true;
    }
}

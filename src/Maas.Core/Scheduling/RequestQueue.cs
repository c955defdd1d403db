namespace Maas.Core.Scheduling;

/// <summary>
/// The bounded, prioritised queue of one model version. Level 1 is served first; within a level,
/// first come first served. Entries the caller abandoned (deadline, cancellation) free their slot
/// at once and are skipped when reached.
/// </summary>
internal sealed class RequestQueue
{
    private readonly Lock _lock = new();
    private readonly LinkedList<PendingRequest>[] _levels;
    private readonly int _capacity;
    private TaskCompletionSource _changed = NewSignal();
    private int _count;

    public RequestQueue(int capacity, int priorityLevels)
    {
        _capacity = capacity;
        _levels = new LinkedList<PendingRequest>[priorityLevels];
        for (var i = 0; i < priorityLevels; i++)
        {
            _levels[i] = new LinkedList<PendingRequest>();
        }
    }

    /// <summary>Requests waiting now (abandoned ones excluded).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Completes at the next enqueue (or <see cref="Wake"/>); take it under no lock and await it.</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>Adds a request; false when the queue is full.</summary>
    public bool TryEnqueue(PendingRequest request)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_count >= _capacity)
            {
                return false;
            }

            _levels[request.Priority - 1].AddLast(request);
            _count++;
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
        return true;
    }

    /// <summary>Frees the slot of a request its caller abandoned.</summary>
    public void Forget(PendingRequest request)
    {
        lock (_lock)
        {
            if (_levels[request.Priority - 1].Remove(request))
            {
                _count--;
            }
        }
    }

    /// <summary>Takes the first request by priority, or null when none waits.</summary>
    public PendingRequest? TryTakeFirst()
    {
        lock (_lock)
        {
            foreach (var level in _levels)
            {
                while (level.First is { } node)
                {
                    level.RemoveFirst();
                    _count--;
                    if (node.Value.TryTake())
                    {
                        return node.Value;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Takes waiting requests that can share a batch with <paramref name="first"/>, by priority and
    /// arrival, while their rows fit in <paramref name="room"/>. Returns the rows taken.
    /// </summary>
    public long TakeCompatible(PendingRequest first, long room, List<PendingRequest> batch)
    {
        long taken = 0;
        lock (_lock)
        {
            foreach (var level in _levels)
            {
                var node = level.First;
                while (node is not null && taken < room)
                {
                    var next = node.Next;
                    var candidate = node.Value;
                    if (candidate.Rows <= room - taken && candidate.CanBatchWith(first))
                    {
                        level.Remove(node);
                        _count--;
                        if (candidate.TryTake())
                        {
                            batch.Add(candidate);
                            taken += candidate.Rows;
                        }
                    }

                    node = next;
                }
            }
        }

        return taken;
    }

    /// <summary>Removes every waiting request (shutdown); the caller fails them.</summary>
    public List<PendingRequest> Drain()
    {
        var all = new List<PendingRequest>();
        lock (_lock)
        {
            foreach (var level in _levels)
            {
                foreach (var request in level)
                {
                    if (request.TryTake())
                    {
                        all.Add(request);
                    }
                }

                level.Clear();
            }

            _count = 0;
        }

        return all;
    }

    /// <summary>Wakes every waiter (used at shutdown).</summary>
    public void Wake()
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

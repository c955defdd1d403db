using System.Collections.Concurrent;
using System.Globalization;
using Maas.Errors;
using Maas.Pipelines.Graph;
using Maas.Pipelines.Processors;

namespace Maas.Pipelines.Execution;

/// <summary>
/// The live sequences of one sequence pipeline (Triton's sequence extension): requests carry
/// <c>sequence_id</c> (a positive integer or a string), <c>sequence_start</c> and
/// <c>sequence_end</c>. Requests of one sequence run one at a time, in arrival order, against
/// that sequence's state; different sequences run in parallel. A sequence idle for longer than
/// the timeout is dropped with its state.
/// </summary>
internal sealed class SequenceStore : IDisposable
{
    public const string IdParameter = "sequence_id";
    public const string StartParameter = "sequence_start";
    public const string EndParameter = "sequence_end";

    /// <summary>Longest string sequence id accepted.</summary>
    public const int MaxIdLength = 256;

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly string _modelName;
    private readonly SequenceOptions _options;
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;

    public SequenceStore(string modelName, SequenceOptions options, TimeProvider? time = null)
    {
        _modelName = modelName;
        _options = options;
        _time = time ?? TimeProvider.System;
        var period = TimeSpan.FromTicks(Math.Clamp(options.IdleTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerSecond * 10));
        _sweeper = _time.CreateTimer(_ => Sweep(), null, period, period);
    }

    /// <summary>Sequences held now.</summary>
    public int Count => _slots.Count;

    /// <summary>
    /// Enters the sequence the request names and waits for its turn. Returns null for a request
    /// that names none (it runs alone, as a whole stream). Throws InvalidArgument for an unknown
    /// or malformed id, ResourceExhausted when a start finds the store full.
    /// </summary>
    public async Task<Turn?> EnterAsync(IReadOnlyDictionary<string, object>? parameters, CancellationToken cancellationToken)
    {
        var (id, shown, start, end) = Read(parameters);
        if (id is null)
        {
            return null;
        }

        Slot slot;
        if (start)
        {
            if (!_slots.ContainsKey(id) && _slots.Count >= _options.MaxSequences)
            {
                Sweep();
                if (_slots.Count >= _options.MaxSequences)
                {
                    throw Full();
                }
            }

            // A new start replaces a sequence of the same id: its state is discarded, and requests
            // still waiting for the old one's turn are refused when they get it.
            var created = new Slot(_time.GetTimestamp());
            var replaced = false;
            slot = _slots.AddOrUpdate(id, created, (_, old) =>
            {
                old.Removed = true;
                replaced = true;
                return created;
            });
            if (!replaced && _slots.Count > _options.MaxSequences)
            {
                // Concurrent starts both passed the check above: the later one backs out.
                _slots.TryRemove(new KeyValuePair<string, Slot>(id, created));
                throw Full();
            }
        }
        else if (!_slots.TryGetValue(id, out slot!))
        {
            throw MaasError.InvalidArgument($"Sequence {shown} of model '{_modelName}' is not active: send its first request with sequence_start=true. Sequences end with sequence_end=true, after {_options.IdleTimeout.TotalSeconds:0} s without a request, or when the pipeline is reloaded (a changed config.json).");
        }

        // Everything from the frontend up to this wait runs synchronously, so requests of a gRPC
        // stream (which runs several at once) queue here in arrival order: the gate is FIFO.
        await slot.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (slot.Removed && !start)
        {
            slot.Gate.Release();
            throw MaasError.InvalidArgument($"Sequence {shown} of model '{_modelName}' ended or expired while this request waited; start a new one with sequence_start=true.");
        }

        return new Turn(this, id, slot, new SequenceContext(shown, start, end, slot.State));
    }

    private MaasError Full() =>
        MaasError.ResourceExhausted($"Model '{_modelName}' holds {_options.MaxSequences} sequences, its limit (pipeline.sequence.max_sequences); end sequences with sequence_end=true, or retry once idle ones expire ({_options.IdleTimeout.TotalSeconds:0} s).");

    private void Leave(string id, Slot slot, bool end)
    {
        slot.LastUsed = _time.GetTimestamp();
        if (end)
        {
            slot.Removed = true;
            _slots.TryRemove(new KeyValuePair<string, Slot>(id, slot));
        }

        slot.Gate.Release();
    }

    private void Sweep()
    {
        foreach (var (id, slot) in _slots)
        {
            // A sequence whose request is running (gate taken) is never idle.
            if (_time.GetElapsedTime(slot.LastUsed) > _options.IdleTimeout && slot.Gate.Wait(0))
            {
                try
                {
                    if (_time.GetElapsedTime(slot.LastUsed) > _options.IdleTimeout)
                    {
                        slot.Removed = true;
                        _slots.TryRemove(new KeyValuePair<string, Slot>(id, slot));
                    }
                }
                finally
                {
                    slot.Gate.Release();
                }
            }
        }
    }

    // The key keeps numeric and string ids apart (7 and "7" are two sequences); messages show the id as sent.
    private (string? Key, string Shown, bool Start, bool End) Read(IReadOnlyDictionary<string, object>? parameters)
    {
        if (parameters is null)
        {
            return (null, "", false, false);
        }

        var start = ReadFlag(parameters, StartParameter);
        var end = ReadFlag(parameters, EndParameter);
        if (!parameters.TryGetValue(IdParameter, out var value))
        {
            return start || end
                ? throw MaasError.InvalidArgument($"sequence_start/sequence_end were sent without sequence_id; model '{_modelName}' needs the sequence's id on every request of a sequence")
                : (null, "", false, false);
        }

        return value switch
        {
            long number when number > 0 => (number.ToString(CultureInfo.InvariantCulture), number.ToString(CultureInfo.InvariantCulture), start, end),
            string text when text.Length is > 0 and <= MaxIdLength => ("s:" + text, $"'{text}'", start, end),
            _ => throw MaasError.InvalidArgument($"sequence_id must be a positive integer or a non-empty string of at most {MaxIdLength} characters (0 means no sequence in Triton's protocol)"),
        };
    }

    private bool ReadFlag(IReadOnlyDictionary<string, object> parameters, string name) =>
        parameters.TryGetValue(name, out var value) && value switch
        {
            bool flag => flag,
            _ => throw MaasError.InvalidArgument($"parameter '{name}' of model '{_modelName}' must be true or false"),
        };

    public void Dispose() => _sweeper.Dispose();

    internal sealed class Slot(long lastUsed)
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public Dictionary<string, object> State { get; } = new(StringComparer.Ordinal);

        public long LastUsed { get; set; } = lastUsed;

        public volatile bool Removed;
    }

    /// <summary>A request's turn in its sequence; dispose when the request has finished.</summary>
    internal sealed class Turn : IDisposable
    {
        private readonly SequenceStore _store;
        private readonly string _id;
        private readonly Slot _slot;
        private int _left;

        internal Turn(SequenceStore store, string id, Slot slot, SequenceContext context)
        {
            _store = store;
            _id = id;
            _slot = slot;
            Context = context;
        }

        public SequenceContext Context { get; }

        private bool _discard;

        /// <summary>Ends the sequence when the turn is left, whatever the request said.</summary>
        public void Discard() => _discard = true;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                _store.Leave(_id, _slot, Context.End || _discard);
            }
        }
    }
}

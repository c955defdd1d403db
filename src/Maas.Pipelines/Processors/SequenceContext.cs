namespace Maas.Pipelines.Processors;

/// <summary>
/// A request's place in a sequence (Triton's sequence extension: <c>sequence_id</c>,
/// <c>sequence_start</c>, <c>sequence_end</c>) and the state that the pipeline's steps keep for
/// it between requests. Requests of one sequence run one at a time, in arrival order, so state
/// needs no locking.
/// </summary>
public sealed class SequenceContext
{
    private readonly Dictionary<string, object> _state;

    /// <summary>Creates the context of one request of sequence <paramref name="id"/>.</summary>
    /// <param name="id">The sequence id as the client sent it (a number or a string).</param>
    /// <param name="start">True for the first request of the sequence.</param>
    /// <param name="end">True for the last request of the sequence.</param>
    /// <param name="state">The sequence's state, shared by its requests.</param>
    public SequenceContext(string id, bool start, bool end, Dictionary<string, object> state)
    {
        Id = id;
        Start = start;
        End = end;
        _state = state;
    }

    /// <summary>The sequence id.</summary>
    public string Id { get; }

    /// <summary>True for the first request of the sequence.</summary>
    public bool Start { get; }

    /// <summary>True for the last request: steps emit what they gathered over the whole sequence.</summary>
    public bool End { get; }

    /// <summary>True once a step has read (and so may change) the sequence's state.</summary>
    internal bool StateUsed { get; private set; }

    /// <summary>
    /// True once this request may have changed the sequence's state: a step that used it has
    /// finished, or a model step has stored a new recurrent state. A step that fails is taken to
    /// have checked its input before changing anything (every built-in processor does).
    /// </summary>
    internal bool StateAdvanced { get; private set; }

    internal void MarkAdvanced() => StateAdvanced = true;

    /// <summary>The state stored under <paramref name="key"/> (usually the step's name), created on first use.</summary>
    public T GetState<T>(string key, Func<T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        StateUsed = true;
        if (_state.TryGetValue(key, out var value))
        {
            return (T)value;
        }

        var created = create();
        _state[key] = created;
        return created;
    }
}

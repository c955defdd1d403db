using Maas.Buffers;
using Maas.Errors;
using Maas.Inference;
using Maas.Models;
using Maas.Tensors;

namespace Maas.Pipelines.Execution;

/// <summary>
/// A step that calls a model of the repository through the invoker: routed, leased and scheduled
/// like a client's request, so concurrent pipeline requests batch in that model. Optionally runs
/// the rows of one input one at a time (<c>scan</c>), carrying recurrent state between runs and,
/// in a sequence, between requests.
/// </summary>
internal sealed class ModelStep : PipelineStep
{
    /// <summary>
    /// Most rows one request may make a step split (scan row by row, or send in chunks of the
    /// model's max_batch_size): rows of no elements (shape [3000000000, 0]) cost no request bytes.
    /// </summary>
    public const long MaxSplitRows = 1 << 20;

    /// <summary>
    /// Chunks of one request in flight at once: enough to fill a batch with a few of them, few
    /// enough that one large request does not fill the model's queue and starve other clients.
    /// </summary>
    public const int MaxChunksInFlight = 4;

    private readonly string _model;
    private readonly string? _version;
    private readonly string? _scan;
    private readonly IReadOnlyList<ResolvedState> _state;
    private readonly IReadOnlyList<TensorMetadata> _emptyOutputs;
    private readonly List<RequestedOutput> _requested;
    private readonly Func<RecurrentState> _createState;

    public ModelStep(string name, string model, string? version, IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string> outputs, string? scan, IReadOnlyList<ResolvedState> state, ModelMetadata metadata)
        : base(name, inputs, outputs)
    {
        _model = model;
        _version = version;
        _scan = scan;
        _state = state;
        _emptyOutputs = [.. Outputs.Keys.Select(port => metadata.FindOutput(port)!)];
        _requested = [.. Outputs.Keys.Concat(state.Select(s => s.Output)).Select(port => new RequestedOutput(port))];
        _createState = CreateState;
    }

    public override async ValueTask RunAsync(PipelineRun run)
    {
        var inputs = new List<Tensor>(Inputs.Count);
        foreach (var (port, name) in Inputs)
        {
            var tensor = run.Get(name);
            inputs.Add(new Tensor(port, tensor.DataType, tensor.Shape, tensor.Data));
        }

        var state = _state.Count == 0
            ? null
            : run.Sequence?.GetState(Name, _createState) ?? CreateState();
        if (_scan is null)
        {
            long rows = -1;
            foreach (var input in inputs)
            {
                if (input.Shape.Rank == 0)
                {
                    continue;
                }

                if (input.Shape[0] == 0)
                {
                    WriteEmpty(run);
                    return;
                }

                rows = rows < 0 ? input.Shape[0] : rows;
            }

            var limit = state is null ? run.Invoker.GetMaxBatchSize(_model, _version) : 0;
            if (limit > 0 && rows > limit)
            {
                CheckSplit(rows, $"in batches of {limit} (max_batch_size of model '{_model}')");
                await RunInChunksAsync(run, inputs, (int)rows, limit).ConfigureAwait(false);
                return;
            }

            var call = await CallAsync(run, inputs, state).ConfigureAwait(false);
            run.Scope.Add(call);
            foreach (var (port, name) in Outputs)
            {
                run.Set(name, FindOutput(call.Response, port));
            }

            return;
        }

        await ScanAsync(run, inputs, state).ConfigureAwait(false);
    }

    private async Task ScanAsync(PipelineRun run, List<Tensor> inputs, RecurrentState? state)
    {
        var index = inputs.FindIndex(t => t.Name == _scan);
        var scanned = inputs[index];
        if (scanned.Shape.Rank == 0)
        {
            throw MaasError.InvalidArgument($"step '{Name}' scans the rows of '{Inputs[_scan!]}', which is a scalar");
        }

        if (scanned.Shape[0] == 0)
        {
            WriteEmpty(run);
            return;
        }

        CheckSplit(scanned.Shape[0], "one at a time (scan)");
        var rows = (int)scanned.Shape[0];
        var rowDims = scanned.Shape.ToArray();
        rowDims[0] = 1;
        var offsets = TensorRows.Offsets(scanned, rows);
        var pieces = Outputs.Keys.ToDictionary(port => port, _ => new List<(TensorShape Shape, DataType Type, ReadOnlyMemory<byte> Data)>(rows), StringComparer.Ordinal);
        for (var row = 0; row < rows; row++)
        {
            inputs[index] = new Tensor(scanned.Name, scanned.DataType, new TensorShape(rowDims), scanned.Data[offsets(row)..offsets(row + 1)]);
            using var call = await CallAsync(run, inputs, state).ConfigureAwait(false);
            foreach (var (port, list) in pieces)
            {
                var output = FindOutput(call.Response, port);
                list.Add((output.Shape, output.DataType, output.Data.ToArray())); // copied: the call is disposed before the next row
            }
        }

        foreach (var (port, list) in pieces)
        {
            run.Set(Outputs[port], Stack(run, port, list));
        }
    }

    // More rows than the model's max_batch_size (e.g. many text lines of one image): the rows go
    // as several requests, a few at a time, which its scheduler may batch with others' requests,
    // and are stacked back in order.
    private async Task RunInChunksAsync(PipelineRun run, List<Tensor> inputs, int rows, int limit)
    {
        var offsets = new Func<long, int>?[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            if (input.Shape.Rank == 0)
            {
                continue; // a scalar (a constant such as a sample rate) goes whole to every chunk
            }

            if (input.Shape[0] != rows)
            {
                throw MaasError.InvalidArgument($"step '{Name}' splits {rows} rows into batches of {limit} (max_batch_size of model '{_model}'), but input '{input.Name}' has shape {input.Shape}; every input needs the same first dimension");
            }

            offsets[i] = TensorRows.Offsets(input, rows);
        }

        var chunks = new List<Task<ModelCall>>((rows + limit - 1) / limit);
        try
        {
            for (var first = 0; first < rows; first += limit)
            {
                if (chunks.Count >= MaxChunksInFlight)
                {
                    await chunks[^MaxChunksInFlight].ConfigureAwait(false); // the oldest in flight; a failure stops the rest
                }

                chunks.Add(CallAsync(run, Chunk(inputs, offsets, first, Math.Min(limit, rows - first)), state: null));
            }

            await Task.WhenAll(chunks).ConfigureAwait(false);
            foreach (var (port, name) in Outputs)
            {
                // The chunks' answers stay alive until all are stacked: no copy of them in between.
                var pieces = new List<(TensorShape Shape, DataType Type, ReadOnlyMemory<byte> Data)>(chunks.Count);
                foreach (var chunk in chunks)
                {
                    var output = FindOutput(chunk.Result.Response, port);
                    pieces.Add((output.Shape, output.DataType, output.Data));
                }

                run.Set(name, Stack(run, port, pieces));
            }
        }
        finally
        {
            foreach (var chunk in chunks)
            {
                // After a failure the chunks already sent still finish: their answers are released
                // and their failures observed (the first one is what the client gets).
                _ = chunk.ContinueWith(static c => Release(c), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    private static void Release(Task<ModelCall> chunk)
    {
        if (chunk.IsCompletedSuccessfully)
        {
            chunk.Result.Dispose();
        }
        else
        {
            _ = chunk.Exception;
        }
    }

    private static List<Tensor> Chunk(List<Tensor> inputs, Func<long, int>?[] offsets, int first, int count)
    {
        var slice = new List<Tensor>(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            if (offsets[i] is not { } at)
            {
                slice.Add(input);
                continue;
            }

            var dims = input.Shape.ToArray();
            dims[0] = count;
            slice.Add(new Tensor(input.Name, input.DataType, new TensorShape(dims), input.Data[at(first)..at(first + count)]));
        }

        return slice;
    }

    private void CheckSplit(long rows, string how)
    {
        if (rows > MaxSplitRows)
        {
            throw MaasError.InvalidArgument($"step '{Name}' would run {rows} rows {how}; one request may make it run at most {MaxSplitRows}: send fewer rows per request");
        }
    }

    private async Task<ModelCall> CallAsync(PipelineRun run, List<Tensor> inputs, RecurrentState? state)
    {
        using var request = new InferenceRequest(_model, _version) { Outputs = _requested };
        request.Inputs.AddRange(inputs);
        if (state is not null)
        {
            for (var i = 0; i < _state.Count; i++)
            {
                request.Inputs.Add(new Tensor(_state[i].Input, _state[i].DataType, _state[i].Shape, state.Values[i]));
            }
        }

        ModelCall call;
        try
        {
            call = await run.Invoker.InferAsync(request, run.CancellationToken).ConfigureAwait(false);
        }
        catch (MaasError ex) when (ex.Code is MaasErrorCode.InvalidArgument or MaasErrorCode.NotFound or MaasErrorCode.Unavailable)
        {
            // The client named the pipeline, which exists: a step model that is gone (unloaded,
            // removed) makes the pipeline unavailable, not "not found".
            var code = ex.Code == MaasErrorCode.NotFound ? MaasErrorCode.Unavailable : ex.Code;
            throw new MaasError(code, $"pipeline '{run.ModelName}' step '{Name}' (model '{_model}'): {ex.Message}", ex);
        }

        if (state is not null)
        {
            try
            {
                for (var i = 0; i < _state.Count; i++)
                {
                    var next = FindOutput(call.Response, _state[i].Output);
                    if (next.Data.Length != state.Values[i].Length)
                    {
                        throw MaasError.Internal($"step '{Name}': state output '{_state[i].Output}' has shape {next.Shape}, but the state is {_state[i].Shape}");
                    }

                    next.Data.Span.CopyTo(state.Values[i]);
                }

                run.Sequence?.MarkAdvanced(); // a later row or step that fails leaves this state half-way
            }
            catch
            {
                call.Dispose();
                throw;
            }
        }

        return call;
    }

    private Tensor FindOutput(InferenceResponse response, string port)
    {
        foreach (var output in response.Outputs)
        {
            if (output.Name == port)
            {
                return output;
            }
        }

        throw MaasError.Internal($"step '{Name}': model '{_model}' answered without output '{port}'");
    }

    private Tensor Stack(PipelineRun run, string port, List<(TensorShape Shape, DataType Type, ReadOnlyMemory<byte> Data)> pieces)
    {
        var first = pieces[0];
        var dims = first.Shape.Rank == 0 ? [0L] : first.Shape.ToArray();
        long rows = 0;
        long bytes = 0;
        foreach (var piece in pieces)
        {
            if (piece.Type != first.Type || piece.Shape.Rank != first.Shape.Rank || (piece.Shape.Rank > 0 && !piece.Shape.Dimensions[1..].SequenceEqual(first.Shape.Dimensions[1..])))
            {
                throw MaasError.Internal($"step '{Name}': output '{port}' changes shape between scanned rows ({first.Shape} then {piece.Shape}); it cannot be stacked");
            }

            rows += piece.Shape.Rank == 0 ? 1 : piece.Shape[0];
            bytes += piece.Data.Length;
        }

        if (bytes > Array.MaxLength)
        {
            throw MaasError.InvalidArgument($"step '{Name}': output '{port}' of model '{_model}' for {rows} rows would be {bytes} bytes, over the {Array.MaxLength} one tensor may hold; send fewer rows in one request");
        }

        dims[0] = rows;
        var buffer = new PooledBuffer((int)bytes);
        run.Scope.Add(buffer);
        var offset = 0;
        foreach (var piece in pieces)
        {
            piece.Data.Span.CopyTo(buffer.Span[offset..]);
            offset += piece.Data.Length;
        }

        return new Tensor(port, first.Type, first.Shape.Rank == 0 ? TensorShape.Of(rows) : new TensorShape(dims), buffer.Memory);
    }

    // No rows to run (e.g. no text boxes were found): the model is not called, its outputs are empty.
    private void WriteEmpty(PipelineRun run)
    {
        foreach (var output in _emptyOutputs)
        {
            var dims = output.Shape.ToArray();
            for (var i = 0; i < dims.Length; i++)
            {
                dims[i] = i == 0 || dims[i] == TensorShape.Dynamic ? 0 : dims[i];
            }

            run.Set(Outputs[output.Name], new Tensor(output.Name, output.DataType, new TensorShape(dims), ReadOnlyMemory<byte>.Empty));
        }
    }

    private RecurrentState CreateState() => new([.. _state.Select(s => new byte[checked((int)(s.Shape.ElementCount * s.DataType.ElementSize()))])]);

    /// <summary>The recurrent state values of one step, in the order of its state definitions.</summary>
    private sealed record RecurrentState(byte[][] Values);
}

/// <summary>A state definition checked against the model: datatype and concrete shape.</summary>
internal sealed record ResolvedState(string Input, string Output, DataType DataType, TensorShape Shape);

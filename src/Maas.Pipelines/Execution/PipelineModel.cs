using System.Runtime.InteropServices;
using Maas.Errors;
using Maas.Inference;
using Maas.Models;
using Maas.Pipelines.Graph;
using Maas.Tensors;

namespace Maas.Pipelines.Execution;

/// <summary>
/// A loaded pipeline version: its signature and its resolved steps. Each request runs the steps
/// in order on its own <see cref="PipelineRun"/>; model steps await their model's scheduler, so
/// many requests are in flight at once and batch there. Sequence pipelines first take the
/// request's turn in its sequence.
/// </summary>
internal sealed class PipelineModel : IAsyncModel, ISequenceModel
{
    public const string Platform = "maas_pipeline";

    private readonly string _name;
    private readonly IModelInvoker _invoker;
    private readonly IReadOnlyList<PipelineStep> _steps;
    private readonly IReadOnlyList<(string Name, Tensor Value)> _constants;
    private readonly SequenceStore? _sequences;

    // The pipelines the current request is inside of, innermost first: a pipeline that calls
    // another that calls it back (each valid alone, edited one after the other) would otherwise
    // recurse until the stack overflows, taking the process down.
    private static readonly AsyncLocal<Caller?> Callers = new();

    public PipelineModel(string name, PipelineDefinition definition, IReadOnlyList<PipelineStep> steps, IModelInvoker invoker, TimeProvider? time = null)
    {
        _name = name;
        _invoker = invoker;
        _steps = steps;
        _constants = [.. definition.Constants.Select(c => (c.Name, ToTensor(c)))];
        _sequences = definition.Sequence is { } sequence ? new SequenceStore(name, sequence, time) : null;
        Metadata = new ModelMetadata(Platform, definition.Inputs, definition.Outputs);
    }

    public ModelMetadata Metadata { get; }

    /// <summary>Live sequences; 0 for a stateless pipeline.</summary>
    public int LiveSequences => _sequences?.Count ?? 0;

    public IModelInstance CreateInstance() =>
        throw new NotSupportedException("A pipeline runs its requests itself (IAsyncModel.InferAsync); it has no instances.");

    public async Task<InferenceResponse> InferAsync(InferenceRequest request, IReadOnlyList<string> outputNames, string modelVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outputNames);
        if (_sequences is null && request.Parameters is { } parameters && parameters.ContainsKey(SequenceStore.IdParameter))
        {
            throw MaasError.InvalidArgument($"Model '{_name}' is not a sequence model, but the request carries sequence_id; send it without the sequence parameters.");
        }

        var caller = Callers.Value;
        if (caller is not null && caller.Includes(_name))
        {
            throw MaasError.Unavailable($"pipeline '{_name}' calls itself through other pipelines ({caller.Chain(_name)}); remove one of those model steps");
        }

        // Set inside this async method, so it flows to the steps it awaits and not back to the caller.
        Callers.Value = new Caller(_name, caller);
        using var turn = _sequences is null ? null : await _sequences.EnterAsync(request.Parameters, cancellationToken).ConfigureAwait(false);
        var run = new PipelineRun(_name, _invoker, turn?.Context, cancellationToken);
        try
        {
            foreach (var input in request.Inputs)
            {
                run.Set(input.Name, input);
            }

            foreach (var (name, value) in _constants)
            {
                run.Set(name, value);
            }

            foreach (var step in _steps)
            {
                await step.RunAsync(run).ConfigureAwait(false);
                if (turn is { Context.StateUsed: true })
                {
                    turn.Context.MarkAdvanced();
                }
            }

            var response = new InferenceResponse(_name, modelVersion) { Id = request.Id };
            response.Own(run);
            foreach (var name in outputNames)
            {
                var tensor = run.Get(name);
                var declared = Metadata.FindOutput(name)!;
                if (tensor.DataType != declared.DataType)
                {
                    response.Dispose();
                    throw MaasError.Internal($"pipeline '{_name}' declares output '{name}' as {declared.DataType.WireName()}, but its steps produced {tensor.DataType.WireName()}; fix pipeline.outputs");
                }

                response.Outputs.Add(tensor);
            }

            return response;
        }
        catch (Exception ex)
        {
            run.Dispose();
            if (turn is { Context.StateAdvanced: true })
            {
                // The steps may have advanced part of the sequence's state for an answer the
                // client never gets: continuing from it would be silently wrong.
                turn.Discard();
                if (ex is MaasError error)
                {
                    throw new MaasError(error.Code, $"{error.Message} Sequence {turn.Context.Id} was ended with this failure (its state may have been partly advanced); start it again with sequence_start=true.", error);
                }
            }

            throw;
        }
    }

    public void Dispose() => _sequences?.Dispose();

    private sealed record Caller(string Name, Caller? Outer)
    {
        public bool Includes(string name) => Name == name || (Outer?.Includes(name) ?? false);

        // "a → b → a", outermost first.
        public string Chain(string next) => (Outer is null ? Name : Outer.Chain(Name)) + " → " + next;
    }

    private static Tensor ToTensor(ConstantDefinition constant)
    {
        var size = constant.DataType.ElementSize();
        var bytes = new byte[constant.Values.Count * size];
        for (var i = 0; i < constant.Values.Count; i++)
        {
            var value = constant.Values[i];
            var slot = bytes.AsSpan(i * size, size);
            switch (constant.DataType)
            {
                case DataType.Bool: slot[0] = value != 0 ? (byte)1 : (byte)0; break;
                case DataType.UInt8: slot[0] = (byte)value; break;
                case DataType.Int8: MemoryMarshal.Write(slot, (sbyte)value); break;
                case DataType.Int16: MemoryMarshal.Write(slot, (short)value); break;
                case DataType.UInt16: MemoryMarshal.Write(slot, (ushort)value); break;
                case DataType.Int32: MemoryMarshal.Write(slot, (int)value); break;
                case DataType.UInt32: MemoryMarshal.Write(slot, (uint)value); break;
                case DataType.Int64: MemoryMarshal.Write(slot, (long)value); break;
                case DataType.UInt64: MemoryMarshal.Write(slot, (ulong)value); break;
                case DataType.Fp32: MemoryMarshal.Write(slot, (float)value); break;
                case DataType.Fp64: MemoryMarshal.Write(slot, value); break;
                default: throw MaasError.InvalidArgument($"constant '{constant.Name}' cannot be {constant.DataType.WireName()}");
            }
        }

        return new Tensor(constant.Name, constant.DataType, constant.Shape, bytes);
    }
}

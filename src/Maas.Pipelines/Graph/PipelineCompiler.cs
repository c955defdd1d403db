using Maas.Errors;
using Maas.Models;
using Maas.Pipelines.Execution;
using Maas.Pipelines.Processors;
using Maas.Tensors;

namespace Maas.Pipelines.Graph;

/// <summary>
/// Turns a <see cref="PipelineDefinition"/> into runnable steps and proves the wiring before the
/// pipeline serves: every step input reads a tensor that exists by then (a pipeline input, a
/// constant, or an earlier step's output), every port exists on its processor or model, datatypes
/// agree wherever both sides declare one, and every pipeline output is produced. All problems are
/// reported together, each naming the step, the port and the tensor.
/// </summary>
internal static class PipelineCompiler
{
    public static IReadOnlyList<PipelineStep> Compile(string modelName, PipelineDefinition definition, IModelInvoker invoker, IReadOnlyList<string> searchFolders, TimeSpan modelWait)
    {
        var errors = new List<string>();
        // Tensor name → datatype (null when the producer accepts any) and who produced it.
        var known = new Dictionary<string, (DataType? Type, string Origin)>(StringComparer.Ordinal);
        foreach (var input in definition.Inputs)
        {
            known[input.Name] = (input.DataType, "pipeline input");
        }

        foreach (var constant in definition.Constants)
        {
            if (!known.TryAdd(constant.Name, (constant.DataType, "constant")))
            {
                errors.Add($"constant '{constant.Name}' has the name of a pipeline input");
            }
        }

        var steps = new List<PipelineStep>();
        foreach (var step in definition.Steps)
        {
            PipelineStep? compiled = step.Processor is { } kind
                ? CompileProcessor(step, kind, known, searchFolders, errors)
                : CompileModel(modelName, step, known, invoker, modelWait, errors);
            if (compiled is not null)
            {
                steps.Add(compiled);
            }
        }

        foreach (var output in definition.Outputs)
        {
            if (!known.TryGetValue(output.Name, out var produced))
            {
                errors.Add($"pipeline output '{output.Name}' is not produced by any step ({Describe(known)})");
            }
            else if (produced.Type is { } type && type != output.DataType)
            {
                errors.Add($"pipeline output '{output.Name}' is declared {output.DataType.WireName()}, but {produced.Origin} produces {type.WireName()}");
            }
        }

        return errors.Count > 0
            ? throw MaasError.InvalidArgument($"pipeline of model '{modelName}' is not valid: {string.Join("; ", errors)}")
            : steps;
    }

    private static ProcessorStep? CompileProcessor(StepDefinition step, string kind, Dictionary<string, (DataType? Type, string Origin)> known, IReadOnlyList<string> searchFolders, List<string> errors)
    {
        var factory = ProcessorRegistry.Find(kind);
        if (factory is null)
        {
            errors.Add($"step '{step.Name}' names processor '{kind}', which does not exist; the processors are {string.Join(", ", ProcessorRegistry.Kinds)}");
            return null;
        }

        Processor processor;
        try
        {
            var options = new ProcessorOptions(step.Name, step.Options, searchFolders);
            processor = factory.Create(options);
            options.ThrowIfInvalid(kind);
        }
        catch (MaasError ex)
        {
            errors.Add(ex.Message);
            return null;
        }

        var origin = $"step '{step.Name}' ({kind})";
        var count = errors.Count;
        foreach (var (port, tensor) in step.Inputs)
        {
            var declared = processor.Inputs.FirstOrDefault(p => p.Name == port);
            if (declared is null)
            {
                errors.Add($"{origin} has no input '{port}'; its inputs are {Names(processor.Inputs)}");
                continue;
            }

            CheckRead(origin, port, tensor, declared.DataType, known, errors);
        }

        foreach (var port in processor.Inputs.Where(p => !p.Optional && !step.Inputs.ContainsKey(p.Name)))
        {
            errors.Add($"{origin} needs its input '{port.Name}' wired: add \"{port.Name}\": \"<tensor>\" to its 'inputs'");
        }

        foreach (var (port, tensor) in step.Outputs)
        {
            var declared = processor.Outputs.FirstOrDefault(p => p.Name == port);
            if (declared is null)
            {
                errors.Add($"{origin} has no output '{port}'; its outputs are {Names(processor.Outputs)}");
                continue;
            }

            Produce(origin, tensor, declared.DataType, known, errors);
        }

        return errors.Count == count ? new ProcessorStep(step.Name, kind, processor, step.Inputs, step.Outputs) : null;
    }

    private static ModelStep? CompileModel(string pipelineName, StepDefinition step, Dictionary<string, (DataType? Type, string Origin)> known, IModelInvoker invoker, TimeSpan wait, List<string> errors)
    {
        var model = step.Model!;
        var origin = $"step '{step.Name}' (model '{model}')";
        if (model == pipelineName)
        {
            errors.Add($"{origin} calls the pipeline itself");
            return null;
        }

        ModelMetadata metadata;
        try
        {
            metadata = invoker.GetMetadata(model, step.ModelVersion, wait);
        }
        catch (MaasError ex)
        {
            errors.Add($"{origin}: {ex.Message}");
            return null;
        }

        var count = errors.Count;
        var stateInputs = new HashSet<string>(StringComparer.Ordinal);
        var resolvedState = new List<ResolvedState>();
        foreach (var state in step.State)
        {
            if (ResolveState(origin, state, metadata, errors) is { } resolved)
            {
                resolvedState.Add(resolved);
                stateInputs.Add(state.Input);
            }
        }

        foreach (var (port, tensor) in step.Inputs)
        {
            var declared = metadata.FindInput(port);
            if (declared is null)
            {
                errors.Add($"{origin} has no input '{port}'; its inputs are {Names(metadata.Inputs)}");
            }
            else if (stateInputs.Contains(port))
            {
                errors.Add($"{origin} input '{port}' is recurrent state; it cannot also be wired to '{tensor}'");
            }
            else
            {
                CheckRead(origin, port, tensor, declared.DataType, known, errors);
            }
        }

        foreach (var input in metadata.Inputs.Where(i => !step.Inputs.ContainsKey(i.Name) && !stateInputs.Contains(i.Name)))
        {
            errors.Add($"{origin} needs its input '{input.Name}' ({input.DataType.WireName()} {input.Shape}) wired: add \"{input.Name}\": \"<tensor>\" to its 'inputs', or declare it as 'state'");
        }

        if (step.Scan is { } scan && !step.Inputs.ContainsKey(scan))
        {
            errors.Add($"{origin} scans '{scan}', which is not one of its wired inputs ({string.Join(", ", step.Inputs.Keys)})");
        }

        foreach (var (port, tensor) in step.Outputs)
        {
            var declared = metadata.FindOutput(port);
            if (declared is null)
            {
                errors.Add($"{origin} has no output '{port}'; its outputs are {Names(metadata.Outputs)}");
                continue;
            }

            Produce(origin, tensor, declared.DataType, known, errors);
        }

        return errors.Count == count
            ? new ModelStep(step.Name, model, step.ModelVersion, step.Inputs, step.Outputs, step.Scan, resolvedState, metadata)
            : null;
    }

    private static ResolvedState? ResolveState(string origin, StateDefinition state, ModelMetadata metadata, List<string> errors)
    {
        var input = metadata.FindInput(state.Input);
        var output = metadata.FindOutput(state.Output);
        if (input is null || output is null)
        {
            errors.Add($"{origin} state needs model input '{state.Input}' and output '{state.Output}'; its inputs are {Names(metadata.Inputs)}, its outputs {Names(metadata.Outputs)}");
            return null;
        }

        if (input.DataType != output.DataType || !input.DataType.IsFixedSize())
        {
            errors.Add($"{origin} state '{state.Input}' is {input.DataType.WireName()} but '{state.Output}' is {output.DataType.WireName()}; state must be one fixed-size type");
            return null;
        }

        var dims = state.Dims ?? input.Shape.ToArray();
        var modelDims = input.Shape.Dimensions;
        if (dims.Contains(TensorShape.Dynamic))
        {
            errors.Add($"{origin} state '{state.Input}' has dynamic dims {input.Shape}; give its concrete shape with \"dims\"");
            return null;
        }

        var fits = dims.Length == modelDims.Length;
        for (var i = 0; fits && i < dims.Length; i++)
        {
            fits = modelDims[i] == TensorShape.Dynamic || modelDims[i] == dims[i];
        }

        if (!fits)
        {
            errors.Add($"{origin} state dims [{string.Join(", ", dims)}] do not fit model input '{state.Input}' {input.Shape}");
            return null;
        }

        return new ResolvedState(state.Input, state.Output, input.DataType, new TensorShape(dims));
    }

    private static void CheckRead(string origin, string port, string tensor, DataType? wanted, Dictionary<string, (DataType? Type, string Origin)> known, List<string> errors)
    {
        if (!known.TryGetValue(tensor, out var produced))
        {
            errors.Add($"{origin} input '{port}' reads tensor '{tensor}', which is not a pipeline input, a constant or an output of an earlier step ({Describe(known)})");
        }
        else if (wanted is { } w && produced.Type is { } p && w != p)
        {
            errors.Add($"{origin} input '{port}' needs {w.WireName()}, but tensor '{tensor}' from {produced.Origin} is {p.WireName()}");
        }
    }

    private static void Produce(string origin, string tensor, DataType? type, Dictionary<string, (DataType? Type, string Origin)> known, List<string> errors)
    {
        if (known.TryGetValue(tensor, out var existing))
        {
            errors.Add($"{origin} writes tensor '{tensor}', which {existing.Origin} already produces; every tensor has one producer");
            return;
        }

        known[tensor] = (type, origin);
    }

    private static string Describe(Dictionary<string, (DataType? Type, string Origin)> known) =>
        known.Count == 0 ? "no tensors exist yet" : "tensors so far: " + string.Join(", ", known.Keys);

    private static string Names(IEnumerable<Port> ports) => string.Join(", ", ports.Select(p => $"'{p.Name}'"));

    private static string Names(IEnumerable<TensorMetadata> tensors) => string.Join(", ", tensors.Select(t => $"'{t.Name}'"));
}

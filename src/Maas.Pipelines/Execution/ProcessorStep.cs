using Maas.Errors;
using Maas.Pipelines.Processors;
using Maas.Tensors;

namespace Maas.Pipelines.Execution;

/// <summary>A step that runs a built-in processor on the request's thread.</summary>
internal sealed class ProcessorStep : PipelineStep
{
    private readonly Processor _processor;
    private readonly string _kind;

    public ProcessorStep(string name, string kind, Processor processor, IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string> outputs)
        : base(name, inputs, outputs)
    {
        _kind = kind;
        _processor = processor;
    }

    public override ValueTask RunAsync(PipelineRun run)
    {
        run.CancellationToken.ThrowIfCancellationRequested();
        var inputs = new Dictionary<string, Tensor>(Inputs.Count, StringComparer.Ordinal);
        foreach (var (port, tensor) in Inputs)
        {
            inputs[port] = run.Get(tensor);
        }

        using var context = new ProcessorContext(Name, inputs, run.Sequence, run.CancellationToken);
        _processor.Run(context);
        context.MoveOwnershipTo(run.Scope);
        foreach (var (port, tensor) in Outputs)
        {
            if (!context.Outputs.TryGetValue(port, out var output))
            {
                throw MaasError.Internal($"step '{Name}' ({_kind}) did not write its output '{port}'");
            }

            run.Set(tensor, output);
        }

        return ValueTask.CompletedTask;
    }
}

using Maas.Buffers;
using Maas.Errors;
using Maas.Models;
using Maas.Pipelines.Processors;
using Maas.Tensors;

namespace Maas.Pipelines.Execution;

/// <summary>
/// The state of one request going through a pipeline: every tensor produced so far, by pipeline
/// name, and the memory (processor outputs, model answers with their leases) that backs them.
/// The memory moves to the pipeline's response, so it lives until the answer is written.
/// </summary>
internal sealed class PipelineRun : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);

    public PipelineRun(string modelName, IModelInvoker invoker, SequenceContext? sequence, CancellationToken cancellationToken)
    {
        ModelName = modelName;
        Invoker = invoker;
        Sequence = sequence;
        CancellationToken = cancellationToken;
    }

    public string ModelName { get; }

    public IModelInvoker Invoker { get; }

    public SequenceContext? Sequence { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>Memory backing the run's tensors.</summary>
    public OwnedResources Scope { get; } = new();

    public Tensor Get(string name) =>
        _tensors.TryGetValue(name, out var tensor)
            ? tensor
            : throw MaasError.Internal($"pipeline '{ModelName}': tensor '{name}' was not produced");

    public Tensor? Find(string name) => _tensors.GetValueOrDefault(name);

    /// <summary>Stores <paramref name="tensor"/> under pipeline name <paramref name="name"/>.</summary>
    public void Set(string name, Tensor tensor) =>
        _tensors[name] = tensor.Name == name ? tensor : new Tensor(name, tensor.DataType, tensor.Shape, tensor.Data);

    public void Dispose() => Scope.Dispose();
}

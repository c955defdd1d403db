using System.Text.Json;
using Maas.Models;
using Maas.Tensors;

namespace Maas.Pipelines.Graph;

/// <summary>
/// A pipeline as config.json declares it, before its steps are resolved: its signature, its
/// constants, its steps in order, and whether it serves stateful sequences.
/// </summary>
/// <param name="Inputs">The pipeline's inputs: what clients send.</param>
/// <param name="Outputs">The pipeline's outputs: what clients get back.</param>
/// <param name="Constants">Fixed tensors steps may read by name (e.g. a sample rate).</param>
/// <param name="Steps">The steps, in the order they run.</param>
/// <param name="Sequence">Sequence settings; null for a stateless pipeline.</param>
public sealed record PipelineDefinition(
    IReadOnlyList<TensorMetadata> Inputs,
    IReadOnlyList<TensorMetadata> Outputs,
    IReadOnlyList<ConstantDefinition> Constants,
    IReadOnlyList<StepDefinition> Steps,
    SequenceOptions? Sequence);

/// <summary>A constant tensor of the pipeline.</summary>
/// <param name="Name">The tensor name steps read.</param>
/// <param name="DataType">Its element type (fixed-size types only).</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Values">Its elements, row-major, as numbers.</param>
public sealed record ConstantDefinition(string Name, DataType DataType, TensorShape Shape, IReadOnlyList<double> Values);

/// <summary>One step: a built-in processor or a model of the repository, with its wiring.</summary>
/// <param name="Name">Unique within the pipeline; names the step in messages and state.</param>
/// <param name="Processor">The processor kind; null for a model step.</param>
/// <param name="Model">The repository model; null for a processor step.</param>
/// <param name="ModelVersion">A pinned model version; null follows the model's default routing.</param>
/// <param name="Inputs">Port (the processor's or model's input name) → pipeline tensor read.</param>
/// <param name="Outputs">Port (the processor's or model's output name) → pipeline tensor written.</param>
/// <param name="Options">The processor's options (undefined when absent).</param>
/// <param name="Scan">A model step only: the input port whose rows run one at a time, in order (outputs are stacked).</param>
/// <param name="State">A model step only: recurrent state carried from an output to an input between runs.</param>
public sealed record StepDefinition(
    string Name,
    string? Processor,
    string? Model,
    string? ModelVersion,
    IReadOnlyDictionary<string, string> Inputs,
    IReadOnlyDictionary<string, string> Outputs,
    JsonElement Options,
    string? Scan,
    IReadOnlyList<StateDefinition> State);

/// <summary>
/// Recurrent state of a model step (Triton's implicit state): the model's <paramref name="Output"/>
/// of one run is its <paramref name="Input"/> of the next, starting from zeros; inside a
/// sequence it carries over from one request to the next.
/// </summary>
/// <param name="Input">The model input that receives the state.</param>
/// <param name="Output">The model output that produces the next state.</param>
/// <param name="Dims">The state's shape when the model's input shape has dynamic dimensions; null to take the model's.</param>
public sealed record StateDefinition(string Input, string Output, long[]? Dims);

/// <summary>How a sequence pipeline keeps its sequences.</summary>
/// <param name="IdleTimeout">A sequence with no request for this long is dropped with its state.</param>
/// <param name="MaxSequences">Sequences held at once; a start beyond that is refused (429).</param>
public sealed record SequenceOptions(TimeSpan IdleTimeout, int MaxSequences);

using Maas.Tensors;

namespace Maas.Pipelines.Processors;

/// <summary>
/// One named input or output of a processor. A pipeline's wiring maps each port to a tensor of
/// the pipeline; the loader checks every required input is wired and every datatype agrees.
/// </summary>
/// <param name="Name">The port's name, as the step's <c>inputs</c>/<c>outputs</c> maps write it.</param>
/// <param name="DataType">The element type; null accepts any (the processor checks at run time).</param>
/// <param name="Optional">An input that may be left unwired, or an output nobody needs to read.</param>
public sealed record Port(string Name, DataType? DataType, bool Optional = false);

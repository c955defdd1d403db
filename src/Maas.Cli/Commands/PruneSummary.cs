using Maas.Optimization.Pruning;
using Maas.Optimization.Quantization;

namespace Maas.Cli.Commands;

/// <summary>The <c>--json</c> output of <c>maas prune</c>.</summary>
internal sealed record PruneSummary(
    string Input, string Output, bool Structured, double RequestedSparsity, long InputBytes, long OutputBytes,
    long ParametersBefore, long ParametersAfter, double PrunedTensorSparsity, double ModelSparsity,
    IReadOnlyList<PrunedTensor> Tensors, IReadOnlyList<SkippedNode> SkippedNodes);

using Maas.Optimization.Quantization;

namespace Maas.Cli.Commands;

/// <summary>The <c>--json</c> output of <c>maas quantize</c>.</summary>
internal sealed record QuantizeSummary(
    string Input, string Output, string Mode, long InputBytes, long OutputBytes,
    IReadOnlyList<string> QuantizedNodes, IReadOnlyList<SkippedNode> SkippedNodes);

using System.Text.Json.Serialization;
using Maas.Optimization.Comparison;
using Maas.Optimization.Inspection;

namespace Maas.Cli.Commands;

/// <summary>Source-generated JSON for the <c>--json</c> output of inspect, quantize, prune and compare.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ModelReport))]
[JsonSerializable(typeof(ComparisonReport))]
[JsonSerializable(typeof(QuantizeSummary))]
[JsonSerializable(typeof(PruneSummary))]
internal sealed partial class OptimizationJsonContext : JsonSerializerContext;

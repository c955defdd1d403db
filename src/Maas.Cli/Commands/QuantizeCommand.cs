using System.CommandLine;
using System.Text.Json;
using Maas.Optimization.Quantization;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary><c>maas quantize</c>: store a model's weights in fewer bits.</summary>
internal static class QuantizeCommand
{
    private static readonly string[] Modes = ["dynamic-int8", "weight-int4", "fp16"];

    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The .onnx file to quantize." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the quantized .onnx file. Required.", Required = true };
        var mode = new Option<string>("--mode")
        {
            Description = "dynamic-int8: int8 MatMul/Gemm weights, activations quantized per run (MatMulInteger); weight-int4: 4-bit block-wise weights (MatMulNBits); both store embedding tables (Gather) as int8. fp16: every float weight as float16; nodes compute in float16 where ONNX Runtime's CPU provider has a float16 kernel, else stay float32 between Casts (listed).",
            DefaultValueFactory = _ => "dynamic-int8",
        };
        mode.AcceptOnlyFromAmong(Modes);
        var perChannel = new Option<bool>("--per-channel") { Description = "One scale per output channel instead of one per tensor (more accurate, same speed)." };
        var unsignedWeights = new Option<bool>("--unsigned-weights")
        {
            Description = "dynamic-int8: uint8 weights with the full 8-bit range instead of int8 limited to ±63 (both avoid the AVX2-without-VNNI overflow; uint8 runs a slower kernel).",
        };
        var blockSize = new Option<int>("--block-size") { Description = "weight-int4: weights per scale along K (power of two, ≥ 16).", DefaultValueFactory = _ => 32 };
        var exclude = new Option<string[]>("--exclude")
        {
            Description = "Name of a node to keep in float32 (repeatable).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var command = new Command("quantize", "Quantize a model's weights; nodes that cannot be quantized are kept as they are and listed.")
        {
            model, output, mode, perChannel, unsignedWeights, blockSize, exclude, json,
        };

        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync("quantize", result.InvocationConfiguration.Error, async () =>
        {
            var input = result.GetRequiredValue(model);
            var outputPath = result.GetRequiredValue(output);
            var modeName = result.GetRequiredValue(mode);
            var options = new QuantizationOptions
            {
                Mode = modeName switch
                {
                    "weight-int4" => QuantizationMode.WeightInt4,
                    "fp16" => QuantizationMode.Float16,
                    _ => QuantizationMode.DynamicInt8,
                },
                PerChannel = result.GetValue(perChannel),
                UnsignedWeights = result.GetValue(unsignedWeights),
                BlockSize = result.GetValue(blockSize),
                ExcludedNodes = new HashSet<string>(result.GetValue(exclude) ?? [], StringComparer.Ordinal),
            };
            var writer = result.InvocationConfiguration.Output;
            var console = CommandConsole.Create(writer);
            QuantizationResult quantized = null!;
            if (result.GetValue(json) || !console.Profile.Capabilities.Interactive)
            {
                quantized = ModelQuantizer.QuantizeFile(input, outputPath, options);
            }
            else
            {
                console.Progress().AutoClear(true).Start(context =>
                {
                    var task = context.AddTask("quantizing weights");
                    quantized = ModelQuantizer.QuantizeFile(input, outputPath, options, new Progress<QuantizationProgress>(p =>
                    {
                        task.MaxValue = p.Total;
                        task.Value = p.Done;
                    }));
                });
            }

            var summary = new QuantizeSummary(input, outputPath, modeName, new FileInfo(input).Length, new FileInfo(outputPath).Length, quantized.QuantizedNodes, quantized.SkippedNodes);
            if (result.GetValue(json))
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(summary, OptimizationJsonContext.Default.QuantizeSummary));
                return 0;
            }

            Render(console, summary);
            return 0;
        }));
        return command;
    }

    private static void Render(IAnsiConsole console, QuantizeSummary summary)
    {
        var ratio = summary.InputBytes == 0 ? 0 : (double)summary.OutputBytes / summary.InputBytes;
        var verb = summary.Mode == "fp16" ? "converted" : "quantized";
        console.MarkupLine(Markup.Escape(
            $"{summary.Mode}: wrote {summary.Output} ({CommandConsole.Bytes(summary.OutputBytes)}, {ratio:P1} of {CommandConsole.Bytes(summary.InputBytes)}); {verb} {summary.QuantizedNodes.Count} nodes, left {summary.SkippedNodes.Count} as they were."));
        SkippedTable.Write(console, summary.SkippedNodes);
    }
}

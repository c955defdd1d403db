using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Maas.Optimization.Pruning;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary><c>maas prune</c>: remove the smallest weights (or whole channels) of MatMul, Gemm and Conv layers.</summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The .onnx file to prune." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the pruned .onnx file. Required.", Required = true };
        var sparsity = new Option<double>("--sparsity")
        {
            Description = "Fraction of each weight tensor (or of each layer's output channels with --structured) to remove, in [0, 1).",
            DefaultValueFactory = _ => 0.5,
        };
        var structured = new Option<bool>("--structured")
        {
            Description = "Remove whole output channels (Conv) or columns (MatMul/Gemm) with the smallest norm and shrink the next layer, so the file gets smaller. Without it, weights are zeroed and the file keeps its size.",
        };
        var norm = new Option<string>("--norm") { Description = "--structured: rank channels by l2 or l1 norm.", DefaultValueFactory = _ => "l2" };
        norm.AcceptOnlyFromAmong("l1", "l2");
        var exclude = new Option<string[]>("--exclude") { Description = "Name of a node whose weights stay as they are (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var command = new Command("prune", "Prune a model's MatMul, Gemm and Conv weights; layers that cannot be pruned are kept as they are and listed.")
        {
            model, output, sparsity, structured, norm, exclude, json,
        };

        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync("prune", result.InvocationConfiguration.Error, async () =>
        {
            var input = result.GetRequiredValue(model);
            var outputPath = result.GetRequiredValue(output);
            var options = new PruningOptions
            {
                Sparsity = result.GetValue(sparsity),
                Structured = result.GetValue(structured),
                Norm = result.GetValue(norm) == "l1" ? ChannelNorm.L1 : ChannelNorm.L2,
                ExcludedNodes = new HashSet<string>(result.GetValue(exclude) ?? [], StringComparer.Ordinal),
            };
            var writer = result.InvocationConfiguration.Output;
            var console = CommandConsole.Create(writer);
            PruningResult pruned = null!;
            if (result.GetValue(json) || !console.Profile.Capabilities.Interactive)
            {
                pruned = ModelPruner.PruneFile(input, outputPath, options);
            }
            else
            {
                console.Progress().AutoClear(true).Start(context =>
                {
                    var task = context.AddTask("pruning weights");
                    pruned = ModelPruner.PruneFile(input, outputPath, options, new Progress<PruningProgress>(p =>
                    {
                        task.MaxValue = p.Total;
                        task.Value = p.Done;
                    }));
                });
            }

            var summary = new PruneSummary(
                input, outputPath, options.Structured, options.Sparsity, new FileInfo(input).Length, new FileInfo(outputPath).Length,
                pruned.ParametersBefore, pruned.ParametersAfter, pruned.PrunedTensorSparsity, pruned.ModelSparsity, pruned.Tensors, pruned.SkippedNodes);
            if (result.GetValue(json))
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(summary, OptimizationJsonContext.Default.PruneSummary));
                return 0;
            }

            Render(console, summary);
            return 0;
        }));
        return command;
    }

    private static void Render(IAnsiConsole console, PruneSummary summary)
    {
        var table = new Table().Title("Tensors pruned").AddColumns("tensor", "node", "what", "shape", "sparsity");
        foreach (var tensor in summary.Tensors)
        {
            var shape = tensor.ShapeBefore.SequenceEqual(tensor.ShapeAfter) ? Shape(tensor.ShapeAfter) : $"{Shape(tensor.ShapeBefore)} → {Shape(tensor.ShapeAfter)}";
            table.AddRow(Markup.Escape(tensor.Name), Markup.Escape(tensor.Node), Markup.Escape(tensor.Role), shape, tensor.Sparsity.ToString("P1", CultureInfo.InvariantCulture));
        }

        console.Write(table);
        var ratio = summary.InputBytes == 0 ? 0 : (double)summary.OutputBytes / summary.InputBytes;
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{(summary.Structured ? "structured" : "unstructured")} {summary.RequestedSparsity:P0}: wrote {summary.Output} ({CommandConsole.Bytes(summary.OutputBytes)}, {ratio:P1} of {CommandConsole.Bytes(summary.InputBytes)}); {summary.Tensors.Count} tensors at {summary.PrunedTensorSparsity:P1} sparsity; parameters {CommandConsole.Count(summary.ParametersBefore)} → {CommandConsole.Count(summary.ParametersAfter)}, {summary.ModelSparsity:P1} of the model's parameters gone or zero.")));
        if (!summary.Structured)
        {
            console.MarkupLine("[grey]note:[/] zeroed weights are still stored: the file keeps its size, and ONNX Runtime's dense kernels run no faster. Use --structured to shrink tensors, or compress the file.");
        }

        SkippedTable.Write(console, summary.SkippedNodes);
    }

    private static string Shape(long[] dims) => string.Join('x', dims);
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Maas.Errors;
using Maas.Optimization.Comparison;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary><c>maas compare</c>: size, speed and output agreement of an optimized model against its base.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var baseModel = new Argument<string>("base") { Description = "The original .onnx file." };
        var optimized = new Argument<string>("optimized") { Description = "The optimized .onnx file (same inputs and outputs)." };
        var inputs = InputShapeOption.Create();
        var data = new Option<string>("--data")
        {
            Description = "JSON file of input values instead of generated ones: {\"input_ids\": [[101, 2023, 102]], ...}.",
        };
        var iterations = new Option<int>("--iterations", "-n") { Description = "Timed runs of each model (interleaved).", DefaultValueFactory = _ => 30 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs of each model first.", DefaultValueFactory = _ => 5 };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads for both models.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("compare", "Run a base and an optimized model in one process on the same inputs: size ratio, latency ratio (interleaved runs), max abs error, cosine, top-1 agreement.")
        {
            baseModel, optimized, inputs, data, iterations, warmup, threads, json,
        };

        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync("compare", result.InvocationConfiguration.Error, async () =>
        {
            var dataPath = result.GetValue(data);
            if (dataPath is not null && !File.Exists(dataPath))
            {
                throw MaasError.NotFound($"--data file '{dataPath}' does not exist.");
            }

            var options = new ComparisonOptions
            {
                InputShapes = InputShapeOption.Parse(result.GetValue(inputs)),
                Data = dataPath is null ? new Dictionary<string, InputData>() : InputDataFile.Parse(await File.ReadAllTextAsync(dataPath, cancellationToken), dataPath),
                Iterations = result.GetValue(iterations),
                Warmup = result.GetValue(warmup),
                Threads = result.GetValue(threads),
            };
            var report = ModelComparer.Compare(result.GetRequiredValue(baseModel), result.GetRequiredValue(optimized), options);
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(report, OptimizationJsonContext.Default.ComparisonReport));
            }
            else
            {
                Render(CommandConsole.Create(output), report);
            }

            return 0;
        }));
        return command;
    }

    private static void Render(IAnsiConsole console, ComparisonReport report)
    {
        var inputs = string.Join(", ", report.Inputs.Select(i => $"{i.Key} {i.Value}"));
        console.MarkupLine(Markup.Escape($"{report.OptimizedPath} vs {report.BasePath} · inputs {inputs} · {report.Iterations} interleaved runs each, {report.Threads} thread(s)"));
        var table = new Table().AddColumns("measure", "base", "optimized", "ratio / value");
        table.AddRow("size", CommandConsole.Bytes(report.BaseBytes), CommandConsole.Bytes(report.OptimizedBytes), F(report.SizeRatio, "F3") + "×");
        table.AddRow("latency (median)", F(report.BaseMedianMs, "F2") + " ms", F(report.OptimizedMedianMs, "F2") + " ms", F(report.LatencyRatio, "F3") + "× (median of pair ratios)");
        foreach (var output in report.Outputs)
        {
            var name = Markup.Escape(output.Name);
            table.AddRow($"{name}: max abs error", "", "", F(output.MaxAbsoluteError, "G4"));
            table.AddRow($"{name}: cosine", "", "", F(output.Cosine, "F5"));
            if (output.Top1Agreement is { } top1)
            {
                table.AddRow($"{name}: top-1 agreement", "", "", F(100 * top1, "F1") + "%");
            }
        }

        console.Write(table);
        foreach (var note in report.Notes)
        {
            console.MarkupLine($"[grey]note:[/] {Markup.Escape(note)}");
        }
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}

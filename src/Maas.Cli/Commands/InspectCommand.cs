using System.CommandLine;
using System.Text.Json;
using Maas.Optimization.Inspection;

namespace Maas.Cli.Commands;

/// <summary><c>maas inspect</c>: what a model is, stores and costs.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The .onnx file." };
        var inputs = InputShapeOption.Create();
        var json = new Option<bool>("--json") { Description = "Print the full report as JSON instead of tables." };
        var top = new Option<int>("--top")
        {
            Description = "How many of the most expensive layers to list.",
            DefaultValueFactory = _ => 10,
        };
        var command = new Command("inspect", "Show a model's signature, parameters (count and bytes per type), FLOPs per layer and op type, and peak activation memory.")
        {
            model, inputs, json, top,
        };

        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync("inspect", result.InvocationConfiguration.Error, async () =>
        {
            var report = ModelInspector.Inspect(result.GetRequiredValue(model), InputShapeOption.Parse(result.GetValue(inputs)));
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(report, OptimizationJsonContext.Default.ModelReport));
            }
            else
            {
                InspectView.Render(CommandConsole.Create(output), report, Math.Max(0, result.GetValue(top)));
            }

            return 0;
        }));
        return command;
    }
}

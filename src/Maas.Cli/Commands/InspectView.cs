using System.Globalization;
using Maas.Optimization.Inspection;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary>The tables of <c>maas inspect</c>.</summary>
internal static class InspectView
{
    public static void Render(IAnsiConsole console, ModelReport report, int top)
    {
        console.MarkupLine($"[bold]{Markup.Escape(report.Path)}[/]  {CommandConsole.Bytes(report.FileBytes)}");
        var opsets = string.Join(", ", report.Opsets.Select(o => $"{o.Domain} {o.Version}"));
        console.MarkupLine(Markup.Escape($"IR {report.IrVersion} · opset {opsets} · producer {(report.Producer.Length > 0 ? report.Producer : "(none)")}"));
        console.WriteLine();

        var signature = new Table().Title("Inputs and outputs").AddColumns("", "name", "declared", "shape used");
        foreach (var input in report.Inputs)
        {
            signature.AddRow("input", Markup.Escape(input.Name), Markup.Escape(input.Declared), Shape(input.Shape));
        }

        foreach (var output in report.Outputs)
        {
            signature.AddRow("output", Markup.Escape(output.Name), Markup.Escape(output.Declared), Shape(output.Shape));
        }

        console.Write(signature);

        var parameters = new Table().Title("Parameters (initializers)").AddColumns("type", "tensors", "elements", "bytes");
        foreach (var group in report.Parameters)
        {
            parameters.AddRow(group.ElementType, N(group.Tensors), N(group.Elements), CommandConsole.Bytes(group.Bytes));
        }

        parameters.AddRow("[bold]total[/]", N(report.Parameters.Sum(p => p.Tensors)), $"[bold]{N(report.ParameterCount)}[/]", $"[bold]{CommandConsole.Bytes(report.ParameterBytes)}[/]");
        console.Write(parameters);

        console.MarkupLine(Markup.Escape(
            $"Compute: {CommandConsole.Count(report.TotalMacs)}MACs, {CommandConsole.Count(report.TotalFlops)}FLOPs ({N(report.TotalFlops)}) · peak activations ≈ {CommandConsole.Bytes(report.PeakActivationBytes)}"
            + (report.PeakActivationNode is null ? string.Empty : $" (at {report.PeakActivationNode})")));

        var byOp = new Table().Title("By operator type").AddColumns("op", "nodes", "MACs", "FLOPs", "% FLOPs");
        foreach (var op in report.OpTypes)
        {
            byOp.AddRow(Markup.Escape(op.OpType), N(op.Count), CommandConsole.Count(op.Macs), CommandConsole.Count(op.Flops), Percent(op.Flops, report.TotalFlops));
        }

        console.Write(byOp);

        if (top > 0)
        {
            var layers = new Table().Title($"Top {top} layers by FLOPs").AddColumns("node", "op", "output", "MACs", "FLOPs", "% FLOPs");
            foreach (var node in report.Nodes.OrderByDescending(n => n.Flops).Take(top))
            {
                layers.AddRow(Markup.Escape(node.Name), Markup.Escape(node.OpType), Shape(node.OutputShape), CommandConsole.Count(node.Macs), CommandConsole.Count(node.Flops), Percent(node.Flops, report.TotalFlops));
            }

            console.Write(layers);
        }

        foreach (var assumption in report.Assumptions)
        {
            console.MarkupLine($"[yellow]assumed[/] {Markup.Escape(assumption)}");
        }

        foreach (var unresolved in report.Unresolved)
        {
            console.MarkupLine($"[yellow]shape unknown, cost counted as 0:[/] {Markup.Escape(unresolved)}");
        }
    }

    private static string Shape(IReadOnlyList<long>? shape) =>
        shape is null ? "?" : shape.Count == 0 ? "scalar" : string.Join('x', shape.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture)));

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Percent(long part, long total) => total == 0 ? "-" : (100.0 * part / total).ToString("F1", CultureInfo.InvariantCulture) + "%";
}

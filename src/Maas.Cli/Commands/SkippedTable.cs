using Maas.Optimization.Quantization;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary>The "nodes left as they were" table of quantize and prune.</summary>
internal static class SkippedTable
{
    /// <summary>Past this many rows, nodes with the same operator and reason share one row with a count.</summary>
    private const int MaxRows = 24;

    public static void Write(IAnsiConsole console, IReadOnlyList<SkippedNode> skipped)
    {
        if (skipped.Count == 0)
        {
            return;
        }

        var table = new Table().Title("Nodes left as they were");
        if (skipped.Count <= MaxRows)
        {
            table.AddColumns("node", "op", "reason");
            foreach (var node in skipped)
            {
                table.AddRow(Markup.Escape(node.Name), Markup.Escape(node.OpType), Markup.Escape(node.Reason));
            }
        }
        else
        {
            table.AddColumns("count", "op", "reason", "nodes");
            foreach (var group in skipped.GroupBy(s => (s.OpType, s.Reason)))
            {
                table.AddRow(group.Count().ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(group.Key.OpType), Markup.Escape(group.Key.Reason), Markup.Escape(string.Join(", ", group.Take(3).Select(s => s.Name)) + (group.Count() > 3 ? ", …" : string.Empty)));
            }
        }

        console.Write(table);
    }
}

using System.CommandLine;
using Maas.Optimization.Shapes;

namespace Maas.Cli.Commands;

/// <summary>The repeatable <c>--input NAME=1x3x224x224</c> option shared by inspect and compare.</summary>
internal static class InputShapeOption
{
    public static Option<string[]> Create() => new("--input", "-i")
    {
        Description = "Concrete shape of an input, NAME=D1xD2x... (repeat per input). Symbolic dims shared by name with other inputs follow; others default to 1.",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Dictionary<string, long[]> Parse(string[]? values)
    {
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var (name, dims) = InputShapes.Parse(value);
            shapes[name] = dims;
        }

        return shapes;
    }
}

using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary>A Spectre.Console console over the invocation's output writer (the terminal, or a test's StringWriter).</summary>
internal static class CommandConsole
{
    /// <summary>Redirected output (a file, a pipe, a test) gets this many columns, so tables are not squeezed to 80.</summary>
    private const int RedirectedWidth = 140;

    public static IAnsiConsole Create(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Detect,
        });
        if (!ReferenceEquals(writer, Console.Out) || Console.IsOutputRedirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }

    /// <summary>A byte count as 90.9 MB / 12.3 KB.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1_000_000_000 => $"{bytes / 1e9:F2} GB",
        >= 1_000_000 => $"{bytes / 1e6:F1} MB",
        >= 1_000 => $"{bytes / 1e3:F1} KB",
        _ => $"{bytes} B",
    };

    /// <summary>A count as 1.82 G / 22.7 M / 512.</summary>
    public static string Count(long value) => value switch
    {
        >= 1_000_000_000 => $"{value / 1e9:F2} G",
        >= 1_000_000 => $"{value / 1e6:F2} M",
        >= 1_000 => $"{value / 1e3:F1} K",
        _ => value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

using System.CommandLine;

namespace Maas.Cli.Tests.Support;

/// <summary>What one invocation of the <c>maas</c> command returned and printed.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error);

internal static class CliRun
{
    /// <summary>Parses and invokes <paramref name="args"/> as <c>maas</c> would, capturing both streams.</summary>
    public static async Task<CliResult> InvokeAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await Program.CreateRootCommand().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}

using Maas.Cli.Tests.Support;

namespace Maas.Cli.Tests;

public class ProgramTests
{
    [Fact]
    public async Task RootHelp_ListsTheServeCommand()
    {
        var result = await CliRun.InvokeAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"(?m)^\s+serve\s+Serve every model of a model repository", result.Output);
    }

    [Fact]
    public async Task Invoke_WhenCommandIsUnknown_IsAParseError()
    {
        var result = await CliRun.InvokeAsync("frobnicate");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("frobnicate", result.Error);
    }
}

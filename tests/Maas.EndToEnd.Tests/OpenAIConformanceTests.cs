using System.Text.RegularExpressions;
using Maas.EndToEnd.Tests.Support;
using Maas.TestModels;
using Xunit.Abstractions;

namespace Maas.EndToEnd.Tests;

/// <summary>
/// The official <c>openai</c> npm SDK against the real server over the generated tiny GGUF
/// (tests/conformance/openai_sdk.mjs): streamed and non-streamed chat and completions,
/// determinism, stop sequences, 8 concurrent streams, an aborted stream freeing its slot, and
/// the 4xx errors. A missing SDK fails the test with the command that installs it.
/// </summary>
[Collection(LanguageModelServers.Name)]
public sealed partial class OpenAIConformanceTests(LanguageModelServerFixture fixture, ITestOutputHelper output) : IClassFixture<LanguageModelServerFixture>
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(180);
    private static readonly string ClientsFolder = Path.Combine(RepoPaths.Root, "tests", "conformance");

    [Fact]
    public async Task OpenAI_NodeSdk_PassesEveryCheck()
    {
        var probe = await ChildProcess.RunAsync("node", ["-e", "require.resolve('openai')"], ClientsFolder, TimeSpan.FromSeconds(30));
        Assert.True(probe.ExitCode == 0, $"Node.js with the openai package in tests/conformance/node_modules is missing. Run scripts/fetch-conformance-clients.sh (scripts/test.sh runs it). {probe.Output.Trim()}");

        var url = fixture.Server.Address.GetLeftPart(UriPartial.Authority);
        var result = await ChildProcess.RunAsync("node", [Path.Combine(ClientsFolder, "openai_sdk.mjs"), "--url", url, "--model", "tiny-llm", "--one-slot", "one-slot"], RepoPaths.Root, ClientTimeout);
        output.WriteLine(result.Output);
        Assert.False(result.TimedOut, $"openai_sdk.mjs ran past {ClientTimeout.TotalSeconds:F0} s; its output:\n{result.Output}");
        Assert.True(result.ExitCode == 0, $"openai_sdk.mjs exited {result.ExitCode}; its output:\n{result.Output}");
        var summary = Summary().Match(result.Output);
        Assert.True(summary.Success && int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, $"no 'N passed, 0 failed' line; output:\n{result.Output}");
    }

    /// <summary>The last line of a script that passed: "N passed, 0 failed".</summary>
    [GeneratedRegex(@"^(\d+) passed, 0 failed\s*\z", RegexOptions.Multiline)]
    internal static partial Regex Summary();
}

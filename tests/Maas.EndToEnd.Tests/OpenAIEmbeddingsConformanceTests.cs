using Maas.EndToEnd.Tests.Support;
using Maas.TestModels;
using Xunit.Abstractions;

namespace Maas.EndToEnd.Tests;

/// <summary>
/// The official <c>openai</c> npm SDK's embeddings API against the real server over the demo
/// repository's <c>minilm-embed</c> pipeline (tests/conformance/openai_embeddings.mjs): the SDK's
/// default base64 encoding decoded to the published reference embedding, <c>float</c> and
/// <c>base64</c> asked for explicitly, an array of inputs in order, usage, and the SDK's error
/// classes for bad requests — none of which may make the server log a warning. Uses the shared
/// demo server (<see cref="DemoServers"/>).
/// </summary>
[Collection(DemoServers.Name)]
public sealed class OpenAIEmbeddingsConformanceTests(DemoServerFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(120);
    private static readonly string ClientsFolder = Path.Combine(RepoPaths.Root, "tests", "conformance");

    [Fact]
    public async Task OpenAI_NodeSdk_Embeddings_PassEveryCheck()
    {
        var probe = await ChildProcess.RunAsync("node", ["-e", "require.resolve('openai')"], ClientsFolder, TimeSpan.FromSeconds(30));
        Assert.True(probe.ExitCode == 0, $"Node.js with the openai package in tests/conformance/node_modules is missing. Run scripts/fetch-conformance-clients.sh (scripts/test.sh runs it). {probe.Output.Trim()}");

        var url = fixture.Server.Address.GetLeftPart(UriPartial.Authority);
        // The server is shared: only what it logs while this script runs is this test's.
        var logged = fixture.Server.Problems.Entries.Count;
        var result = await ChildProcess.RunAsync("node", [Path.Combine(ClientsFolder, "openai_embeddings.mjs"), "--url", url, "--model", "minilm-embed", "--not-embedding", "minilm"], RepoPaths.Root, ClientTimeout);
        output.WriteLine(result.Output);
        Assert.False(result.TimedOut, $"openai_embeddings.mjs ran past {ClientTimeout.TotalSeconds:F0} s; its output:\n{result.Output}");
        Assert.True(result.ExitCode == 0, $"openai_embeddings.mjs exited {result.ExitCode}; its output:\n{result.Output}");
        var summary = OpenAIConformanceTests.Summary().Match(result.Output);
        Assert.True(summary.Success && int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, $"no 'N passed, 0 failed' line; output:\n{result.Output}");

        // The bad requests are the client's doing: none may show up as a server warning or error.
        var problems = fixture.Server.Problems.Entries.Skip(logged).ToList();
        Assert.True(problems.Count == 0, $"openai_embeddings.mjs passed, but the server logged {problems.Count} warning(s) or error(s):\n{string.Join('\n', problems)}");
    }
}

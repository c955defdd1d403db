using System.Text.RegularExpressions;
using Maas.EndToEnd.Tests.Support;
using Maas.TestModels;
using Xunit.Abstractions;

namespace Maas.EndToEnd.Tests;

/// <summary>
/// Clients nobody on the team wrote, against the real server over the demo models: Node's
/// @grpc/grpc-js for KServe v2 gRPC and Python requests for TF Serving REST (tests/conformance).
/// Each script compares its answers with the KServe v2 REST route and prints PASS/FAIL per check.
/// A missing client fails the test, with the command that installs it: a skip would hide the gap.
/// </summary>
public sealed partial class ConformanceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string InstallHint = "Run scripts/fetch-conformance-clients.sh (scripts/test.sh runs it).";
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(120);
    private static readonly string ClientsFolder = Path.Combine(RepoPaths.Root, "tests", "conformance");

    private LoopbackServer? _server;

    private LoopbackServer Server => _server!;

    public async Task InitializeAsync()
    {
        RepoPaths.DemoModel("minilm");
        _server = await LoopbackServer.StartAsync(RepoPaths.DemoRepository, restPort: true);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task KServeGrpc_NodeGrpcJsClient_PassesEveryCheck()
    {
        await RequireAsync("node", ["-e", "require.resolve('@grpc/grpc-js'); require.resolve('@grpc/proto-loader')"], "Node.js with @grpc/grpc-js and @grpc/proto-loader in tests/conformance/node_modules");
        var grpc = Server.GrpcAddress;
        await RunClientAsync("node", [Path.Combine(ClientsFolder, "kserve_grpc.mjs"), "--grpc", $"{grpc.Host}:{grpc.Port}", "--rest", BaseUrl(Server.Address)]);
    }

    [Fact]
    public async Task TfServingRest_PythonRequestsOnRestPort_PassesEveryCheck()
    {
        await RequireAsync("/usr/bin/python3", ["-c", "import requests"], "Debian's /usr/bin/python3 with python3-requests");
        // The TF-Serving-style second port (--rest-port): the script proves that port serves too.
        await RunClientAsync("/usr/bin/python3", [Path.Combine(ClientsFolder, "tfserving_requests.py"), "--url", BaseUrl(Server.RestAddress!)]);
    }

    private static string BaseUrl(Uri address) => address.GetLeftPart(UriPartial.Authority);

    private static async Task RequireAsync(string program, string[] probe, string what)
    {
        var result = await ChildProcess.RunAsync(program, probe, ClientsFolder, TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"{what} is missing. {InstallHint}\n`{program} {string.Join(' ', probe)}` exited {result.ExitCode}: {result.Output.Trim()}");
    }

    private async Task RunClientAsync(string program, string[] args)
    {
        var result = await ChildProcess.RunAsync(program, args, RepoPaths.Root, ClientTimeout);
        output.WriteLine(result.Output);
        var script = Path.GetFileName(args[0]);
        Assert.False(result.TimedOut, $"{script} ran past {ClientTimeout.TotalSeconds:F0} s and was killed; its output:\n{result.Output}");
        Assert.True(result.ExitCode == 0, $"{script} exited {result.ExitCode}; its output:\n{result.Output}");

        // Exit code 0 with no checks run would prove nothing: the last line must count some passes.
        var summary = Summary().Match(result.Output);
        Assert.True(summary.Success && int.Parse(summary.Groups[1].Value) > 0, $"{script} ended without an 'N passed, 0 failed' line with N > 0; its output:\n{result.Output}");

        // The scripts send bad requests and cancel streams on purpose: each is the client's doing,
        // so none may show up as a server warning or error.
        var problems = Server.Problems.Entries;
        Assert.True(problems.Count == 0, $"{script} passed, but the server logged {problems.Count} warning(s) or error(s):\n{string.Join('\n', problems)}");
    }

    [GeneratedRegex(@"^(\d+) passed, 0 failed\s*\z", RegexOptions.Multiline)]
    private static partial Regex Summary();
}

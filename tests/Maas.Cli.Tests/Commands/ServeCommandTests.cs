using System.Text.RegularExpressions;
using Maas.Cli.Tests.Support;

namespace Maas.Cli.Tests.Commands;

public class ServeCommandTests
{
    /// <summary>A repository path that exists nowhere, so <c>serve</c> stops at validation and never starts a server.</summary>
    private static readonly string MissingRepository = Path.Combine(Path.GetTempPath(), "maas-cli-tests-missing-" + Guid.NewGuid().ToString("N"));

    /// <summary>The help row of one option (its line and any wrapped continuation lines), whitespace collapsed.</summary>
    private static string HelpRow(string help, string label)
    {
        var lines = help.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith(label, StringComparison.Ordinal))
            {
                var row = lines[i];
                for (var j = i + 1; j < lines.Length && lines[j].StartsWith("   ", StringComparison.Ordinal) && !lines[j].TrimStart().StartsWith('-'); j++)
                {
                    row += " " + lines[j];
                }

                return Regex.Replace(row, @"\s+", " ").Trim();
            }
        }

        throw new Xunit.Sdk.XunitException($"No help row starts with '{label}' in:\n{help}");
    }

    [Theory]
    [InlineData("--host <host>", "[default: 127.0.0.1]")]
    [InlineData("--http-port <http-port>", "[default: 8000]")]
    [InlineData("--grpc-port <grpc-port>", "[default: 8001]")]
    [InlineData("--rest-port <rest-port>", "[default: none]")]
    [InlineData("--max-request-bytes <max-request-bytes>", "[default: 67108864]")]
    [InlineData("--strict-readiness <true|false>", "[default: true]")]
    [InlineData("--model-control-mode <none|poll|explicit>", "[default: Poll]")]
    [InlineData("--repository-poll-seconds <repository-poll-seconds>", "[default: 5]")]
    [InlineData("--load-model <load-model>", "[default: none]")]
    [InlineData("--shutdown-timeout <shutdown-timeout>", "[default: 30]")]
    public async Task Help_ListsTheOptionWithItsDefault(string label, string defaultText)
    {
        var result = await CliRun.InvokeAsync("serve", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith(defaultText, HelpRow(result.Output, label));
    }

    [Fact]
    public async Task Help_MarksTheModelRepositoryRequiredWithItsShortAlias()
    {
        var result = await CliRun.InvokeAsync("serve", "--help");

        var row = HelpRow(result.Output, "-m, --model-repository <model-repository> (REQUIRED)");
        Assert.DoesNotContain("[default:", row);
    }

    [Fact]
    public async Task Help_ListsEveryOptionOfServe()
    {
        var result = await CliRun.InvokeAsync("serve", "--help");

        var labels = Regex.Matches(result.Output, @"^\s+(-[^\s,]+(?:, -[^\s,]+)*)", RegexOptions.Multiline).Select(m => m.Groups[1].Value);
        Assert.Equal(
            ["-m, --model-repository", "--host", "--http-port", "--grpc-port", "--rest-port", "--max-request-bytes", "--strict-readiness", "--model-control-mode", "--repository-poll-seconds", "--load-model", "--auth-keys", "--allow-unauthenticated", "--audit-log", "--tls-cert", "--tls-key", "--tls-client-ca", "--otlp-endpoint", "--response-cache-bytes", "--shutdown-timeout", "-?, -h, --help"],
            labels);
        Assert.Empty(result.Error);
    }

    [Fact]
    public void Parse_WhenModelRepositoryIsMissing_IsAParseError()
    {
        var parse = Program.CreateRootCommand().Parse(["serve"]);

        var error = Assert.Single(parse.Errors);
        Assert.Equal("Option '--model-repository' is required.", error.Message);
    }

    [Fact]
    public async Task Invoke_WhenModelRepositoryIsMissing_PrintsTheErrorAndFails()
    {
        var result = await CliRun.InvokeAsync("serve", "--http-port", "0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Option '--model-repository' is required.", result.Error);
    }

    [Fact]
    public async Task Invoke_WhenRepositoryDoesNotExist_Returns2AndNamesTheOption()
    {
        var result = await CliRun.InvokeAsync("serve", "--model-repository", MissingRepository);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"maas serve: --model-repository '{MissingRepository}' does not exist", result.Error.Trim());
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task Invoke_WithTheShortAlias_ValidatesTheSameWay()
    {
        var result = await CliRun.InvokeAsync("serve", "-m", MissingRepository);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--model-repository '{MissingRepository}' does not exist", result.Error);
    }

    [Fact]
    public async Task Invoke_WhenSeveralSettingsAreInvalid_ReportsEachOneNamingItsOption()
    {
        var result = await CliRun.InvokeAsync(
            "serve", "-m", MissingRepository, "--http-port", "70000", "--host", "example.com",
            "--max-request-bytes", "10", "--shutdown-timeout", "-1");

        Assert.Equal(2, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
            [
                $"maas serve: --model-repository '{MissingRepository}' does not exist",
                "maas serve: --http-port 70000 is not a port (0-65535; 0 picks a free one)",
                "maas serve: --host 'example.com' is not an IP address or 'localhost' (use 0.0.0.0 to listen on every interface)",
                $"maas serve: --max-request-bytes 10 must be from 1024 to {int.MaxValue}",
                "maas serve: --shutdown-timeout must not be negative",
            ],
            lines);
    }

    [Fact]
    public async Task Invoke_WhenTwoProtocolsAskForOnePort_SaysTheyMustDiffer()
    {
        var result = await CliRun.InvokeAsync("serve", "-m", MissingRepository, "--http-port", "9000", "--grpc-port", "9000");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("maas serve: --http-port and --grpc-port are both 9000; each protocol needs a port of its own", result.Error);
    }

    [Fact]
    public async Task Invoke_WhenPortIsNotANumber_IsAParseErrorNamingTheValue()
    {
        var result = await CliRun.InvokeAsync("serve", "-m", MissingRepository, "--http-port", "eighty");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("eighty", result.Error);
        Assert.Contains("--http-port", result.Error);
    }

    [Fact]
    public async Task Invoke_WhenOptionIsUnknown_IsAParseError()
    {
        var result = await CliRun.InvokeAsync("serve", "-m", MissingRepository, "--grcp-port", "8001");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--grcp-port", result.Error);
    }

    [Fact]
    public void Parse_WithoutOptionalSettings_GivesTheDefaults()
    {
        var parse = Program.CreateRootCommand().Parse(["serve", "-m", "/models"]);

        Assert.Empty(parse.Errors);
        Assert.Equal("/models", parse.GetValue<string>("--model-repository"));
        Assert.Equal("127.0.0.1", parse.GetValue<string>("--host"));
        Assert.Equal(8000, parse.GetValue<int>("--http-port"));
        Assert.Equal(8001, parse.GetValue<int>("--grpc-port"));
        Assert.Null(parse.GetValue<int?>("--rest-port"));
        Assert.Equal(64L * 1024 * 1024, parse.GetValue<long>("--max-request-bytes"));
        Assert.True(parse.GetValue<bool>("--strict-readiness"));
        Assert.Equal(30d, parse.GetValue<double>("--shutdown-timeout"));
    }

    [Fact]
    public void Parse_WithEverySetting_ReadsEachValue()
    {
        var parse = Program.CreateRootCommand().Parse(
            ["serve", "--model-repository", "/models", "--host", "0.0.0.0", "--http-port", "9000",
             "--grpc-port", "9001", "--rest-port", "8501",
             "--max-request-bytes", "2048", "--strict-readiness", "false", "--shutdown-timeout", "2.5",
             "--model-control-mode", "explicit", "--repository-poll-seconds", "0.5", "--load-model", "a", "--load-model", "b"]);

        Assert.Empty(parse.Errors);
        Assert.Equal("0.0.0.0", parse.GetValue<string>("--host"));
        Assert.Equal(9000, parse.GetValue<int>("--http-port"));
        Assert.Equal(9001, parse.GetValue<int>("--grpc-port"));
        Assert.Equal(8501, parse.GetValue<int?>("--rest-port"));
        Assert.Equal(2048L, parse.GetValue<long>("--max-request-bytes"));
        Assert.False(parse.GetValue<bool>("--strict-readiness"));
        Assert.Equal(2.5d, parse.GetValue<double>("--shutdown-timeout"));
        Assert.Equal(Maas.Server.ModelControlMode.Explicit, parse.GetValue<Maas.Server.ModelControlMode>("--model-control-mode"));
        Assert.Equal(0.5d, parse.GetValue<double>("--repository-poll-seconds"));
        Assert.Equal(["a", "b"], parse.GetValue<string[]>("--load-model")!);
    }
}

using Maas.Cli.Tests.Support;
using Maas.Server.Security;

namespace Maas.Cli.Tests.Commands;

public sealed class KeysCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("maas-keys-").FullName;

    private string KeysFile => Path.Combine(_folder, "keys.json");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Create_PrintsTheKeyOnce_AndTheFileHoldsOnlyItsHash()
    {
        var result = await CliRun.InvokeAsync("keys", "create", "--file", KeysFile, "--name", "ci", "--scope", "infer:*", "--scope", "metrics", "--rate", "50");

        Assert.Equal(0, result.ExitCode);
        var key = result.Output.Trim();
        Assert.StartsWith("maas_", key);
        Assert.True(ApiKey.TrySplit(key, out var id, out var secret));
        var text = await File.ReadAllTextAsync(KeysFile);
        Assert.DoesNotContain(secret, text);
        var entry = Assert.Single(ApiKeyFile.Read(KeysFile));
        Assert.Equal(("ci", 50d), (entry.Name, entry.RequestsPerSecond!.Value));
        Assert.Equal(["infer:*", "metrics"], entry.Scopes.Select(s => s.ToString()));
        Assert.True(id == entry.Id && entry.Matches(secret));
        Assert.True(secret.Length >= 40, $"the secret part is only {secret.Length} characters");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeysFile));
        }
    }

    [Fact]
    public async Task ListAndRevoke_ShowTheKeysWithoutSecrets_AndMarkOneRevoked()
    {
        var created = (await CliRun.InvokeAsync("keys", "create", "--file", KeysFile, "--scope", "admin")).Output.Trim();
        var id = ApiKeyFile.Read(KeysFile).Single().Id;

        var revoke = await CliRun.InvokeAsync("keys", "revoke", id, "--file", KeysFile);
        var list = await CliRun.InvokeAsync("keys", "list", "--file", KeysFile);

        Assert.Equal((0, $"revoked {id}"), (revoke.ExitCode, revoke.Output.Trim()));
        Assert.Contains(id, list.Output);
        Assert.Contains("revoked", list.Output);
        Assert.DoesNotContain(created, list.Output);
        Assert.True(ApiKeyFile.Read(KeysFile).Single().Revoked);
    }

    [Theory]
    [InlineData("superuser", "'superuser' is not a scope; scopes are infer:<model pattern>")]
    [InlineData("infer:", "'infer:' is not a scope")]
    public async Task Create_WithABadScope_SaysWhichScopesExist(string scope, string message)
    {
        var result = await CliRun.InvokeAsync("keys", "create", "--file", KeysFile, "--scope", scope);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.False(File.Exists(KeysFile));
    }

    [Fact]
    public async Task Revoke_OfAnUnknownId_Fails()
    {
        await CliRun.InvokeAsync("keys", "create", "--file", KeysFile, "--scope", "metrics");

        var result = await CliRun.InvokeAsync("keys", "revoke", "nope", "--file", KeysFile);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("has no key 'nope'", result.Error);
    }

    [Fact]
    public async Task Serve_OnANonLoopbackAddressWithoutKeys_Refuses_UnlessAllowed()
    {
        var refused = await CliRun.InvokeAsync("serve", "-m", _folder, "--host", "0.0.0.0", "--http-port", "0", "--grpc-port", "-1", "--shutdown-timeout", "0");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--host 0.0.0.0 would serve every model to the network without authentication", refused.Error);
    }

    [Fact]
    public async Task Serve_WithAnAuditLogInAMissingFolder_Refuses()
    {
        var result = await CliRun.InvokeAsync("serve", "-m", _folder, "--audit-log", Path.Combine(_folder, "no", "such", "audit.jsonl"), "--http-port", "0", "--grpc-port", "-1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--audit-log", result.Error);
        Assert.Contains("does not exist", result.Error);
    }
}

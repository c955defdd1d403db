using Maas.Cli.Tests.Support;
using Maas.Server;
using Maas.Server.Hosting;
using Maas.TestModels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.Cli.Tests.Commands;

/// <summary><c>maas models</c> against a real server on loopback in explicit mode (only <c>add</c> loaded at start).</summary>
public sealed class ModelsCommandTests : IAsyncLifetime
{
    private readonly TestRepository _repository = new TestRepository()
        .AddModel("add", 1, TestModelFactory.Add())
        .AddModel("cnn", 1, TestModelFactory.SmallConvNet());

    private WebApplication _app = null!;
    private string _url = "";

    public async Task InitializeAsync()
    {
        _app = MaasServer.Build(new MaasServerOptions
        {
            ModelRepository = _repository.Root,
            HttpPort = 0,
            GrpcPort = null,
            ModelControlMode = ModelControlMode.Explicit,
            LoadModels = ["add"],
        });
        await _app.StartAsync();
        await _app.WaitForModelsAsync();
        _url = _app.Services.GetRequiredService<ServerListeners>().Http!.ToString();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _repository.Dispose();
    }

    [Fact]
    public async Task List_ShowsEachModelWithItsState()
    {
        var result = await CliRun.InvokeAsync("models", "list", "--url", _url);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"add\s*│\s*1\s*│\s*READY", result.Output);
        Assert.Matches(@"cnn\s*│\s*-\s*│\s*\(not loaded\)", result.Output);
    }

    [Fact]
    public async Task LoadThenUnload_ChangeWhatTheServerServes()
    {
        var load = await CliRun.InvokeAsync("models", "load", "cnn", "--url", _url);
        var afterLoad = await CliRun.InvokeAsync("models", "list", "--ready", "--url", _url);
        var unload = await CliRun.InvokeAsync("models", "unload", "cnn", "--url", _url);
        var afterUnload = await CliRun.InvokeAsync("models", "list", "--ready", "--url", _url);

        Assert.Equal((0, "loaded cnn"), (load.ExitCode, load.Output.Trim()));
        Assert.Contains("cnn", afterLoad.Output);
        Assert.Equal((0, "unloaded cnn"), (unload.ExitCode, unload.Output.Trim()));
        Assert.DoesNotContain("cnn", afterUnload.Output);
    }

    [Fact]
    public async Task Load_WithAConfigFile_UsesIt_AndABadOne_SaysWhy()
    {
        var good = Path.Combine(_repository.Root, "labels.json");
        await File.WriteAllTextAsync(good, """{"labels": {"stable": 1}}""");
        var bad = Path.Combine(_repository.Root, "bad.json");
        await File.WriteAllTextAsync(bad, """{"labels": {"stable": "one"}}""");

        var ok = await CliRun.InvokeAsync("models", "load", "add", "--config", good, "--url", _url);
        var refused = await CliRun.InvokeAsync("models", "load", "add", "--config", bad, "--url", _url);
        var missing = await CliRun.InvokeAsync("models", "load", "add", "--config", Path.Combine(_repository.Root, "none.json"), "--url", _url);

        Assert.Equal(0, ok.ExitCode);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("maas models load: Invalid the load request's parameters.config: label 'stable' must name a version", refused.Error);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("none.json does not exist", missing.Error);
    }

    [Fact]
    public async Task Commands_AgainstNoServer_FailWithTheAddress()
    {
        var result = await CliRun.InvokeAsync("models", "list", "--url", "http://127.0.0.1:1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("maas models list: Could not reach the server at http://127.0.0.1:1/", result.Error);
    }
}

using Maas.Server;
using Microsoft.AspNetCore.Builder;

namespace Maas.EndToEnd.Tests.Support;

/// <summary>The real server on real Kestrel, bound to a free loopback port.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public static async Task<LoopbackServer> StartAsync(string repository)
    {
        var app = MaasServer.Build(new MaasServerOptions { ModelRepository = repository, HttpPort = 0 });
        await app.StartAsync();
        await app.WaitForModelsAsync();
        return new LoopbackServer(app, new Uri(app.Addresses().Single()));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace Maas.Server.Tests.Support;

/// <summary>The real server (same composition root as <c>maas serve</c>) on an in-memory transport.</summary>
internal sealed class InMemoryServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InMemoryServer(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>A handler over the in-memory transport, for clients with their own headers.</summary>
    public HttpMessageHandler CreateHandler() => _app.GetTestServer().CreateHandler();

    /// <summary>A gRPC channel over the in-memory transport (HTTP/2 as a real client speaks it).</summary>
    public GrpcChannel CreateGrpcChannel() =>
        GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = _app.GetTestServer().CreateHandler() });

    public static async Task<InMemoryServer> StartAsync(string repository, Func<MaasServerOptions, MaasServerOptions>? adjust = null, Action<WebApplicationBuilder>? configure = null)
    {
        var options = new MaasServerOptions { ModelRepository = repository, HttpPort = 0 };
        options = adjust?.Invoke(options) ?? options;
        var app = MaasServer.Build(options, builder =>
        {
            builder.WebHost.UseTestServer();
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        await app.WaitForModelsAsync();
        return new InMemoryServer(app, app.GetTestClient());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

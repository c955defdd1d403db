using Maas.Server;
using Maas.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Maas.EndToEnd.Tests.Support;

/// <summary>The real server on real Kestrel, bound to a free loopback port.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, ServerListeners listeners, ProblemLog problems)
    {
        _app = app;
        Problems = problems;
        Address = listeners.Http!;
        GrpcAddress = listeners.Grpc!;
        RestAddress = listeners.Rest;
        Client = new HttpClient { BaseAddress = Address };
    }

    /// <summary>KServe v2 REST.</summary>
    public Uri Address { get; }

    /// <summary>KServe v2 gRPC (HTTP/2 without TLS).</summary>
    public Uri GrpcAddress { get; }

    /// <summary>The second REST port (TF Serving's 8501 by convention); null unless asked for.</summary>
    public Uri? RestAddress { get; }

    public HttpClient Client { get; }

    /// <summary>Every warning and error the server logged since it started.</summary>
    public ProblemLog Problems { get; }

    /// <summary>
    /// Starts the server; <paramref name="restPort"/> also opens the second REST port on a free
    /// port; <paramref name="adjust"/> changes other options (control mode, poll interval).
    /// </summary>
    public static async Task<LoopbackServer> StartAsync(string repository, bool restPort = false, Func<MaasServerOptions, MaasServerOptions>? adjust = null)
    {
        var problems = new ProblemLog();
        var options = new MaasServerOptions { ModelRepository = repository, HttpPort = 0, GrpcPort = 0, RestPort = restPort ? 0 : null };
        var app = MaasServer.Build(adjust?.Invoke(options) ?? options, builder => builder.Logging.AddProvider(problems));
        await app.StartAsync();
        await app.WaitForModelsAsync();
        return new LoopbackServer(app, app.Services.GetRequiredService<ServerListeners>(), problems);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

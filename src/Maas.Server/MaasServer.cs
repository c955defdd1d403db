using System.Net;
using Maas.Backends.Onnx;
using Maas.Core.Lifecycle;
using Maas.Core.Routing;
using Maas.Core.Scheduling;
using Maas.Core.Telemetry;
using Maas.Models;
using Maas.Server.Frontends;
using Maas.Server.Frontends.KServe;
using Maas.Server.Hosting;
using Maas.Server.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Maas.Server;

/// <summary>
/// The composition root: builds the ASP.NET Core host that serves a model repository. The CLI
/// and the tests both start servers through here, so they run the same thing.
/// </summary>
public static class MaasServer
{
    /// <summary>
    /// Builds a server for <paramref name="options"/>. <paramref name="configure"/> may adjust the
    /// builder (tests swap Kestrel for an in-memory server). Throws <see cref="ArgumentException"/>
    /// listing every invalid option.
    /// </summary>
    public static WebApplication Build(MaasServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid server options: " + string.Join("; ", errors) + ".", nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel => ConfigureKestrel(kestrel, options));

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<IModelBackend, OnnxBackend>();
        builder.Services.AddSingleton<InferenceMetrics>();
        builder.Services.AddSingleton(services => new ModelManager(
            Path.GetFullPath(options.ModelRepository),
            services.GetServices<IModelBackend>(),
            services.GetRequiredService<ILogger<ModelManager>>(),
            services.GetRequiredService<InferenceMetrics>(),
            services.GetService<TimeProvider>(),
            services.GetService<SchedulerHooks>()));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(InferenceMetrics.MeterName)
            .AddPrometheusExporter());
        builder.Services.AddSingleton<ModelRouter>();
        builder.Services.AddSingleton<ModelLoadingService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ModelLoadingService>());

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.MapKServe();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapFallback(static context => throw Errors.MaasError.NotFound($"No route {context.Request.Method} {context.Request.Path}; the KServe v2 routes start with /v2 (GET /v2 describes the server)."));

        app.Lifetime.ApplicationStarted.Register(() => LogListening(app, options));
        app.Lifetime.ApplicationStopping.Register(() => ServerLog.Draining(app.Logger, options.ShutdownTimeout.TotalSeconds));
        return app;
    }

    /// <summary>Completes when the server has finished loading its repository at start.</summary>
    public static Task WaitForModelsAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<ModelLoadingService>().Loading;
    }

    /// <summary>The addresses Kestrel listens on (with the real port when 0 was asked).</summary>
    public static IReadOnlyCollection<string> Addresses(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, MaasServerOptions options)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
        // HTTP/1.1 only: without TLS, Kestrel cannot offer HTTP/2 beside it on one port (gRPC gets its own).
        void Http1(ListenOptions listen) => listen.Protocols = HttpProtocols.Http1;
        if (string.Equals(options.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(options.HttpPort, Http1);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(options.Host), options.HttpPort, Http1);
        }
    }

    private static void LogListening(WebApplication app, MaasServerOptions options)
    {
        var addresses = string.Join(", ", app.Addresses());
        var repository = Path.GetFullPath(options.ModelRepository);
        ServerLog.Listening(app.Logger, ServerInfo.Version, addresses.Length == 0 ? "(in-memory)" : addresses, repository);
        if (IPAddress.TryParse(options.Host, out var ip) && !IPAddress.IsLoopback(ip))
        {
            ServerLog.NonLoopback(app.Logger, options.Host);
        }
    }
}

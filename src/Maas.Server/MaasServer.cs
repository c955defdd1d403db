using System.Net;
using Maas.Backends.Llama;
using Maas.Backends.Onnx;
using Maas.Core.Lifecycle;
using Maas.Core.Routing;
using Maas.Core.Scheduling;
using Maas.Core.Telemetry;
using Maas.Models;
using Maas.Pipelines.Execution;
using Maas.Server.Frontends;
using Maas.Server.Frontends.Grpc;
using Maas.Server.Frontends.KServe;
using Maas.Server.Frontends.OpenAI;
using Maas.Server.Frontends.TfServing;
using Maas.Server.Hosting;
using Maas.Server.Observability;
using Maas.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

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
        var listeners = new ServerListeners();
        builder.WebHost.ConfigureKestrel(kestrel => listeners.Configure(kestrel, options));

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(listeners);
        builder.Services.AddSingleton<IModelBackend, OnnxBackend>();
        builder.Services.AddSingleton<LlamaMetrics>();
        builder.Services.AddSingleton<IModelBackend, LlamaBackend>();
        // Pipelines call the other models through the router, which exists once the manager does.
        builder.Services.AddSingleton<IModelBackend>(services => new PipelineBackend(() => services.GetRequiredService<IModelInvoker>()));
        builder.Services.AddSingleton<IModelInvoker>(services => new RouterModelInvoker(services.GetRequiredService<ModelManager>(), services.GetRequiredService<ModelRouter>()));
        builder.Services.AddSingleton<InferenceMetrics>();
        builder.Services.AddSingleton(services =>
        {
            var metrics = services.GetRequiredService<InferenceMetrics>();
            Core.Caching.ResponseCache? cache = null;
            if (options.ResponseCacheBytes > 0)
            {
                cache = new Core.Caching.ResponseCache(options.ResponseCacheBytes);
                metrics.ObserveResponseCache(cache);
            }

            return new ModelManager(
                Path.GetFullPath(options.ModelRepository),
                services.GetServices<IModelBackend>(),
                services.GetRequiredService<ILogger<ModelManager>>(),
                metrics,
                services.GetService<TimeProvider>(),
                services.GetService<SchedulerHooks>())
            {
                ResponseCache = cache,
            };
        });
        var telemetry = builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(InferenceMetrics.MeterName)
            .AddMeter(LlamaMetrics.MeterName)
            // No scrape cache (the exporter's default keeps an answer for 300 ms): a scrape right
            // after a request must show it, and building the text is cheap next to a scrape interval.
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        if (options.OtlpEndpoint is { } otlp)
        {
            // Only when asked: the request span and Maas's queue/compute/serialize spans, no payloads.
            telemetry.WithTracing(tracing => tracing
                .AddSource(RequestTracing.SourceName)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(exporter => exporter.Endpoint = otlp));
        }
        builder.Services.AddSingleton<ModelRouter>();
        builder.Services.AddSingleton(services => new ApiKeyStore(options.AuthKeysFile, services.GetRequiredService<ILogger<ApiKeyStore>>()));
        if (options.AuditLog is { } auditPath)
        {
            builder.Services.AddSingleton(new AuditLog(auditPath));
        }

        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = (int)options.MaxRequestBytes;
            grpc.MaxSendMessageSize = null;
            // Outermost first: errors (including refusals) become statuses, then the access check.
            grpc.Interceptors.Add<GrpcErrorInterceptor>();
            grpc.Interceptors.Add<GrpcSecurityInterceptor>();
        });
        builder.Services.AddSingleton<ModelLoadingService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ModelLoadingService>());

        configure?.Invoke(builder);

        var app = builder.Build();
        if (options.AuditLog is not null)
        {
            // Outermost, so it records the status of refusals and errors too.
            app.UseMiddleware<AuditMiddleware>();
        }

        app.UseMiddleware<ErrorHandlingMiddleware>();
        // Routing first, so the security check knows the endpoint and what it requires.
        app.UseRouting();
        app.UseMiddleware<SecurityMiddleware>();
        app.MapKServe();
        app.MapTfServing();
        app.MapOpenAI();
        app.MapKServeGenerate();
        app.MapGrpcService<GrpcInferenceService>();
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(AccessRequirement.Metrics);
        app.MapFallback(static context => throw Errors.MaasError.NotFound($"No route {context.Request.Method} {context.Request.Path}; the KServe v2 routes start with /v2 (GET /v2 describes the server), the TensorFlow Serving routes with /v1/models/<name> (GET /v1/models/<name>/metadata describes a model), the OpenAI routes are /v1/chat/completions, /v1/completions and /v1/models."))
            .WithMetadata(AccessRequirement.Authenticated);

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

    private static void LogListening(WebApplication app, MaasServerOptions options)
    {
        var listeners = app.Services.GetRequiredService<ServerListeners>();
        var repository = Path.GetFullPath(options.ModelRepository);
        var http = listeners.Http?.ToString().TrimEnd('/') ?? "(in-memory)";
        var more = (listeners.Grpc is { } grpc ? $", KServe v2 gRPC on {grpc.ToString().TrimEnd('/')}" : "")
            + (listeners.Rest is { } rest ? $", REST (TF Serving port) on {rest.ToString().TrimEnd('/')}" : "");
        ServerLog.Listening(app.Logger, ServerInfo.Version, http, more, repository);
        if (IPAddress.TryParse(options.Host, out var ip) && !IPAddress.IsLoopback(ip))
        {
            ServerLog.NonLoopback(app.Logger, options.Host);
        }

        if (options.AuthKeysFile is null)
        {
            if (MaasServerOptions.IsLoopback(options.Host))
            {
                SecurityLog.LoopbackOnly(app.Logger, options.Host);
            }
            else
            {
                SecurityLog.Unauthenticated(app.Logger, options.Host);
            }
        }
    }
}

using System.CommandLine;
using Maas.Server;

namespace Maas.Cli.Commands;

/// <summary><c>maas serve</c>: start the server on a model repository.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var repository = new Option<string>("--model-repository", "-m")
        {
            Description = "Folder with <model>/<version>/model.onnx or model.gguf (+ optional <model>/config.json). Required.",
            Required = true,
        };
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on: an IP address or 'localhost'. 0.0.0.0 listens on every interface.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var httpPort = new Option<int>("--http-port")
        {
            Description = "Port for KServe v2 REST (0 picks a free port).",
            DefaultValueFactory = _ => MaasServerOptions.DefaultHttpPort,
        };
        var grpcPort = new Option<int>("--grpc-port")
        {
            Description = "Port for KServe v2 gRPC over HTTP/2 (0 picks a free port, -1 turns gRPC off).",
            DefaultValueFactory = _ => MaasServerOptions.DefaultGrpcPort,
        };
        var restPort = new Option<int?>("--rest-port")
        {
            Description = "An extra HTTP/1.1 port with the same REST routes, e.g. 8501 for TF Serving clients (0 picks a free port). [default: none]",
        };
        var maxRequestBytes = new Option<long>("--max-request-bytes")
        {
            Description = "Largest request body accepted, in bytes.",
            DefaultValueFactory = _ => MaasServerOptions.DefaultMaxRequestBytes,
        };
        var strictReadiness = new Option<bool>("--strict-readiness")
        {
            // System.CommandLine prints no default (and no value placeholder) for bool options: a bare
            // flag that is already on would read as off-by-default with no way to turn it off.
            Description = "Report /v2/health/ready only when every model has loaded (false: as soon as loading has finished). [default: true]",
            HelpName = "true|false",
            DefaultValueFactory = _ => true,
        };
        var controlMode = new Option<ModelControlMode>("--model-control-mode")
        {
            Description = "How the served models may change: none (load all at start, then fixed), poll (load all, then apply changes to the repository folder: hot reload) or explicit (load --load-model models, then the /v2/repository API loads and unloads).",
            HelpName = "none|poll|explicit",
            DefaultValueFactory = _ => ModelControlMode.Poll,
        };
        var pollSeconds = new Option<double>("--repository-poll-seconds")
        {
            Description = "Seconds between polls of the repository in poll mode; a change applies once it has held still for one poll.",
            DefaultValueFactory = _ => 5,
        };
        var loadModels = new Option<string[]>("--load-model")
        {
            Description = "A model to load at start in explicit mode (repeatable; * loads every model). [default: none]",
            AllowMultipleArgumentsPerToken = false,
        };
        var authKeys = new Option<string?>("--auth-keys")
        {
            Description = "API keys file (maas keys create): every route but /v2/health/live and /ready then needs a valid key with the right scope. [default: none, loopback only]",
        };
        var allowUnauthenticated = new Option<bool>("--allow-unauthenticated")
        {
            Description = "Allow a non-loopback --host without --auth-keys (anyone on the network may use every model).",
        };
        var auditLog = new Option<string?>("--audit-log")
        {
            Description = "Append one JSON line per request (time, key id, route, model, status, latency, sizes; never payloads) to this file. [default: none]",
        };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM certificate for TLS on every port (with --tls-key). [default: none]" };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key of --tls-cert. [default: none]" };
        var tlsClientCa = new Option<string?>("--tls-client-ca") { Description = "PEM CA: clients must present a certificate it issued (mutual TLS). [default: none]" };
        var cacheBytes = new Option<long>("--response-cache-bytes")
        {
            Description = "Bytes of answers the response cache may keep, for models whose config.json enables \"response_cache\" (0 turns it off).",
            DefaultValueFactory = _ => MaasServerOptions.DefaultResponseCacheBytes,
        };
        var otlp = new Option<string?>("--otlp-endpoint") { Description = "Export request traces (OpenTelemetry, no payloads) to this OTLP endpoint, e.g. http://127.0.0.1:4317. [default: none]" };
        var shutdownTimeout = new Option<double>("--shutdown-timeout")
        {
            Description = "Seconds to wait for in-flight requests on Ctrl+C / SIGTERM before exiting.",
            DefaultValueFactory = _ => 30,
        };

        var command = new Command("serve", "Serve every model of a model repository (KServe v2 REST and gRPC, TF Serving REST, OpenAI) until Ctrl+C or SIGTERM.")
        {
            repository, host, httpPort, grpcPort, restPort, maxRequestBytes, strictReadiness, controlMode, pollSeconds, loadModels,
            authKeys, allowUnauthenticated, auditLog, tlsCert, tlsKey, tlsClientCa, otlp, cacheBytes, shutdownTimeout,
        };

        command.SetAction(async (result, cancellationToken) =>
        {
            // The invocation's error writer (Console.Error unless the caller redirected it), like parse errors.
            var stderr = result.InvocationConfiguration.Error;
            var options = new MaasServerOptions
            {
                ModelRepository = result.GetRequiredValue(repository),
                Host = result.GetRequiredValue(host),
                HttpPort = result.GetValue(httpPort),
                GrpcPort = result.GetValue(grpcPort) is var grpc && grpc == -1 ? null : grpc,
                RestPort = result.GetValue(restPort),
                MaxRequestBytes = result.GetValue(maxRequestBytes),
                StrictReadiness = result.GetValue(strictReadiness),
                ModelControlMode = result.GetValue(controlMode),
                RepositoryPollSeconds = result.GetValue(pollSeconds),
                LoadModels = result.GetValue(loadModels) ?? [],
                AuthKeysFile = result.GetValue(authKeys),
                AllowUnauthenticated = result.GetValue(allowUnauthenticated),
                AuditLog = result.GetValue(auditLog),
                TlsCert = result.GetValue(tlsCert),
                TlsKey = result.GetValue(tlsKey),
                TlsClientCa = result.GetValue(tlsClientCa),
                ResponseCacheBytes = result.GetValue(cacheBytes),
                OtlpEndpoint = result.GetValue(otlp) is { } endpoint && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri : null,
                ShutdownTimeout = TimeSpan.FromSeconds(result.GetValue(shutdownTimeout)),
            };

            var errors = options.Validate().ToList();
            if (result.GetValue(otlp) is { } otlpText && options.OtlpEndpoint is null)
            {
                errors.Add($"--otlp-endpoint '{otlpText}' is not an absolute URI such as http://127.0.0.1:4317");
            }

            if (errors.Count > 0)
            {
                foreach (var error in errors)
                {
                    await stderr.WriteLineAsync($"maas serve: {error}");
                }

                return 2;
            }

            await using var app = MaasServer.Build(options);
            try
            {
                await app.RunAsync();
            }
            catch (IOException ex)
            {
                // Typically the port is taken: say which and how to fix it.
                await stderr.WriteLineAsync($"maas serve: cannot listen on {options.Host} (ports: http {options.HttpPort}, grpc {(options.GrpcPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off")}{(options.RestPort is { } rest ? $", rest {rest}" : "")}): {ex.Message}. Choose other ports (--http-port, --grpc-port, --rest-port) or stop the other process.");
                return 1;
            }

            return 0;
        });

        return command;
    }
}

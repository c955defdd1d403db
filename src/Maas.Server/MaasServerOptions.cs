namespace Maas.Server;

/// <summary>How the set of served models may change while the server runs (Triton's model control modes).</summary>
public enum ModelControlMode
{
    /// <summary>Every model loads at start; nothing changes until restart.</summary>
    None,

    /// <summary>Every model loads at start; the repository is polled and changes apply (hot reload). The default.</summary>
    Poll,

    /// <summary>Only <c>--load-model</c> models load at start; the repository API loads and unloads the others.</summary>
    Explicit,
}

/// <summary>
/// Settings of one server process, bound from the command line (<c>maas serve --help</c> lists
/// them) and validated before the host starts.
/// </summary>
public sealed record MaasServerOptions
{
    /// <summary>Default HTTP port, as Triton's.</summary>
    public const int DefaultHttpPort = 8000;

    /// <summary>Default gRPC port, as Triton's.</summary>
    public const int DefaultGrpcPort = 8001;

    /// <summary>Default request body limit: 64 MiB. Unlimited buffering lets one request exhaust memory.</summary>
    public const long DefaultMaxRequestBytes = 64L * 1024 * 1024;

    /// <summary>Folder holding <c>&lt;model&gt;/&lt;version&gt;/model.onnx</c>. Required.</summary>
    public required string ModelRepository { get; init; }

    /// <summary>Address to bind: an IP address or <c>localhost</c>. Default 127.0.0.1 (loopback only).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>HTTP port for KServe v2 REST; 0 picks a free port. Default 8000.</summary>
    public int HttpPort { get; init; } = DefaultHttpPort;

    /// <summary>HTTP/2 port for KServe v2 gRPC; 0 picks a free port; null turns gRPC off. Default 8001.</summary>
    public int? GrpcPort { get; init; } = DefaultGrpcPort;

    /// <summary>
    /// A second HTTP/1.1 port serving the same routes, for clients that expect TF Serving's REST
    /// port (8501); 0 picks a free port. Default: none.
    /// </summary>
    public int? RestPort { get; init; }

    /// <summary>Largest request body accepted, in bytes (1 KiB to 2 GiB). Default 64 MiB.</summary>
    public long MaxRequestBytes { get; init; } = DefaultMaxRequestBytes;

    /// <summary>
    /// When true (the default, as Triton), <c>/v2/health/ready</c> reports ready only when every
    /// model loaded; when false, as soon as the start-up load has finished.
    /// </summary>
    public bool StrictReadiness { get; init; } = true;

    /// <summary>How the set of models may change: none, poll (default) or explicit.</summary>
    public ModelControlMode ModelControlMode { get; init; } = ModelControlMode.Poll;

    /// <summary>Seconds between repository polls in poll mode (0.1 to 3600). Default 5: a change applies 5–10 s after it was written.</summary>
    public double RepositoryPollSeconds { get; init; } = 5;

    /// <summary>Models to load at start in explicit mode (<c>*</c>: all of them). Default none.</summary>
    public IReadOnlyList<string> LoadModels { get; init; } = [];

    /// <summary>
    /// The API keys file (<c>maas keys create</c> writes it). When set, every route but liveness
    /// and readiness needs a valid key with the right scope. Default none: no authentication, and
    /// then the server binds loopback only unless <see cref="AllowUnauthenticated"/>.
    /// </summary>
    public string? AuthKeysFile { get; init; }

    /// <summary>Allows a non-loopback <see cref="Host"/> without API keys. Default false: an open server on the network is a choice, not an accident.</summary>
    public bool AllowUnauthenticated { get; init; }

    /// <summary>Appends one JSON line per request (no payloads) to this file. Default none.</summary>
    public string? AuditLog { get; init; }

    /// <summary>PEM certificate (chain) for TLS on every port; with <see cref="TlsKey"/>. Default none (plain HTTP).</summary>
    public string? TlsCert { get; init; }

    /// <summary>PEM private key of <see cref="TlsCert"/>.</summary>
    public string? TlsKey { get; init; }

    /// <summary>PEM CA certificate(s): when set, clients must present a certificate it issued (mutual TLS).</summary>
    public string? TlsClientCa { get; init; }

    /// <summary>
    /// OTLP endpoint (e.g. http://collector:4317) to export request traces to: the HTTP/gRPC
    /// request span and Maas's queue, compute and serialize spans. Default none (no export).
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>Default response cache budget: 64 MiB, used only by models whose config.json enables it.</summary>
    public const long DefaultResponseCacheBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Bytes the response cache may hold, shared by every model with <c>"response_cache":
    /// {"enabled": true}</c>; 0 turns the cache off. Default 64 MiB.
    /// </summary>
    public long ResponseCacheBytes { get; init; } = DefaultResponseCacheBytes;

    /// <summary>How long shutdown waits for in-flight requests to finish. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>True when <paramref name="host"/> is a loopback address or <c>localhost</c>.</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));

    /// <summary>Checks every setting; returns the problems (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ModelRepository))
        {
            errors.Add("--model-repository is required: the folder that holds <model>/<version>/model.onnx");
        }
        else if (!Directory.Exists(ModelRepository))
        {
            errors.Add($"--model-repository '{ModelRepository}' does not exist");
        }

        if (HttpPort is < 0 or > 65535)
        {
            errors.Add($"--http-port {HttpPort} is not a port (0-65535; 0 picks a free one)");
        }

        if (GrpcPort is < 0 or > 65535)
        {
            errors.Add($"--grpc-port {GrpcPort} is not a port (0-65535; 0 picks a free one; -1 turns gRPC off)");
        }

        if (RestPort is < 0 or > 65535)
        {
            errors.Add($"--rest-port {RestPort} is not a port (0-65535; 0 picks a free one)");
        }

        (string Option, int? Port)[] ports = [("--http-port", HttpPort), ("--grpc-port", GrpcPort), ("--rest-port", RestPort)];
        for (var i = 0; i < ports.Length; i++)
        {
            for (var j = i + 1; j < ports.Length; j++)
            {
                if (ports[i].Port is > 0 && ports[i].Port == ports[j].Port)
                {
                    errors.Add($"{ports[i].Option} and {ports[j].Option} are both {ports[i].Port}; each protocol needs a port of its own");
                }
            }
        }

        if (!string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase) && !System.Net.IPAddress.TryParse(Host, out _))
        {
            errors.Add($"--host '{Host}' is not an IP address or 'localhost' (use 0.0.0.0 to listen on every interface)");
        }

        if (MaxRequestBytes is < 1024 or > int.MaxValue)
        {
            errors.Add($"--max-request-bytes {MaxRequestBytes} must be from 1024 to {int.MaxValue}");
        }

        if (RepositoryPollSeconds is < 0.1 or > 3600 || double.IsNaN(RepositoryPollSeconds))
        {
            errors.Add($"--repository-poll-seconds {RepositoryPollSeconds} must be from 0.1 to 3600");
        }

        if (LoadModels.Count > 0 && ModelControlMode != ModelControlMode.Explicit)
        {
            errors.Add($"--load-model only applies with --model-control-mode explicit (the mode is {ModelControlMode.ToString().ToLowerInvariant()}, which loads every model)");
        }

        foreach (var name in LoadModels)
        {
            if (name != "*" && !Maas.Core.Repository.RepositoryScanner.IsValidModelName(name))
            {
                errors.Add($"--load-model '{name}' is not a model name (one folder name of the repository, or * for all)");
            }
        }

        if (AuthKeysFile is not null && !File.Exists(AuthKeysFile))
        {
            errors.Add($"--auth-keys '{AuthKeysFile}' does not exist; create it with `maas keys create --file {AuthKeysFile} --scope infer:*`");
        }

        if (AuthKeysFile is null && !AllowUnauthenticated && System.Net.IPAddress.TryParse(Host, out _) && !IsLoopback(Host))
        {
            errors.Add($"--host {Host} would serve every model to the network without authentication: give --auth-keys FILE (maas keys create makes one), or pass --allow-unauthenticated to accept that");
        }

        if (AuditLog is not null && Path.GetDirectoryName(Path.GetFullPath(AuditLog)) is { } auditFolder && !Directory.Exists(auditFolder))
        {
            errors.Add($"--audit-log '{AuditLog}': the folder {auditFolder} does not exist");
        }

        if ((TlsCert is null) != (TlsKey is null))
        {
            errors.Add("--tls-cert and --tls-key go together: the certificate and its private key, both PEM files");
        }

        foreach (var (option, path) in new[] { ("--tls-cert", TlsCert), ("--tls-key", TlsKey), ("--tls-client-ca", TlsClientCa) })
        {
            if (path is not null && !File.Exists(path))
            {
                errors.Add($"{option} '{path}' does not exist");
            }
        }

        if (TlsClientCa is not null && TlsCert is null)
        {
            errors.Add("--tls-client-ca needs TLS: give --tls-cert and --tls-key too");
        }

        if (ResponseCacheBytes < 0)
        {
            errors.Add($"--response-cache-bytes {ResponseCacheBytes} must not be negative (0 turns the cache off)");
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            errors.Add("--shutdown-timeout must not be negative");
        }

        return errors;
    }
}

using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Maas.Server.Hosting;

/// <summary>
/// The ports the server listens on, one per protocol family, and (once started) the addresses
/// they were bound to: with port 0 the operating system picks one, and tests need to know it.
/// </summary>
public sealed class ServerListeners
{
    private ListenOptions? _http;
    private ListenOptions? _grpc;
    private ListenOptions? _rest;

    /// <summary>KServe v2 REST (and every HTTP route) over HTTP/1.1.</summary>
    public Uri? Http => Address(_http);

    /// <summary>KServe v2 gRPC over HTTP/2 without TLS; null when gRPC is off.</summary>
    public Uri? Grpc => Address(_grpc);

    /// <summary>The second HTTP/1.1 port (TF Serving's 8501 by convention); null when not asked for.</summary>
    public Uri? Rest => Address(_rest);

    internal void Configure(KestrelServerOptions kestrel, MaasServerOptions options)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
        // Without TLS, Kestrel cannot offer HTTP/1.1 and HTTP/2 on one port (a port set to both
        // silently serves HTTP/1.1 only), so gRPC gets a port of its own, as in Triton.
        _http = Listen(kestrel, options.Host, options.HttpPort, HttpProtocols.Http1);
        if (options.GrpcPort is { } grpc)
        {
            _grpc = Listen(kestrel, options.Host, grpc, HttpProtocols.Http2);
        }

        if (options.RestPort is { } rest)
        {
            _rest = Listen(kestrel, options.Host, rest, HttpProtocols.Http1);
        }
    }

    private static ListenOptions Listen(KestrelServerOptions kestrel, string host, int port, HttpProtocols protocols)
    {
        ListenOptions? captured = null;
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            captured = listen;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port, Configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(host), port, Configure);
        }

        return captured!;
    }

    // Kestrel writes the bound end point back into the options, so port 0 reads as the real port.
    private static Uri? Address(ListenOptions? listen) => listen switch
    {
        null => null,
        { IPEndPoint: { } endPoint } => new Uri($"http://{FormatHost(endPoint.Address)}:{endPoint.Port}"),
        _ => null,
    };

    private static string FormatHost(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}

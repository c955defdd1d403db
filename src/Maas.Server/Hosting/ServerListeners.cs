using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

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
    private bool _tls;

    /// <summary>KServe v2 REST (and every HTTP route) over HTTP/1.1.</summary>
    public Uri? Http => Address(_http);

    /// <summary>KServe v2 gRPC over HTTP/2 (TLS when configured); null when gRPC is off.</summary>
    public Uri? Grpc => Address(_grpc);

    /// <summary>The second HTTP/1.1 port (TF Serving's 8501 by convention); null when not asked for.</summary>
    public Uri? Rest => Address(_rest);

    internal void Configure(KestrelServerOptions kestrel, MaasServerOptions options)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
        var tls = Tls(options);
        _tls = tls is not null;
        // Without TLS, Kestrel cannot offer HTTP/1.1 and HTTP/2 on one port (a port set to both
        // silently serves HTTP/1.1 only), so gRPC gets a port of its own, as in Triton. With TLS,
        // ALPN lets the REST ports speak HTTP/2 too (gRPC works there as well).
        var rest = tls is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
        _http = Listen(kestrel, options.Host, options.HttpPort, rest, tls);
        if (options.GrpcPort is { } grpc)
        {
            _grpc = Listen(kestrel, options.Host, grpc, HttpProtocols.Http2, tls);
        }

        if (options.RestPort is { } restPort)
        {
            _rest = Listen(kestrel, options.Host, restPort, rest, tls);
        }
    }

    // The server certificate and, for mutual TLS, the client-certificate check against the given CA only.
    private static HttpsConnectionAdapterOptions? Tls(MaasServerOptions options)
    {
        if (options.TlsCert is null || options.TlsKey is null)
        {
            return null;
        }

        var https = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = X509Certificate2.CreateFromPemFile(options.TlsCert, options.TlsKey),
            SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
        };
        if (options.TlsClientCa is { } caPath)
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(caPath);
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            };
        }

        return https;
    }

    private static ListenOptions Listen(KestrelServerOptions kestrel, string host, int port, HttpProtocols protocols, HttpsConnectionAdapterOptions? tls)
    {
        ListenOptions? captured = null;
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            if (tls is not null)
            {
                listen.UseHttps(tls);
            }

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
    private Uri? Address(ListenOptions? listen) => listen switch
    {
        null => null,
        { IPEndPoint: { } endPoint } => new Uri($"{(_tls ? "https" : "http")}://{FormatHost(endPoint.Address)}:{endPoint.Port}"),
        _ => null,
    };

    private static string FormatHost(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}

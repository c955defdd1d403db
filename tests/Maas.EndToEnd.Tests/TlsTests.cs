using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Maas.Grpc.Protocol;
using Maas.Server;
using Maas.Server.Hosting;
using Maas.TestModels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.EndToEnd.Tests;

/// <summary>
/// TLS and mutual TLS on real Kestrel, with certificates made here: a test CA, a server
/// certificate for 127.0.0.1, a client certificate from the same CA and one from a stranger CA.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private readonly TestRepository _repository = new TestRepository().AddModel("add", 1, TestModelFactory.Add());
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _client;
    private readonly X509Certificate2 _stranger;

    public TlsTests()
    {
        _ca = Authority("Maas test CA");
        var server = Issue(_ca, "127.0.0.1", serverAuth: true);
        File.WriteAllText(_repository.PathOf("server.pem"), server.ExportCertificatePem());
        File.WriteAllText(_repository.PathOf("server.key"), server.GetRSAPrivateKey()!.ExportRSAPrivateKeyPem());
        File.WriteAllText(_repository.PathOf("ca.pem"), _ca.ExportCertificatePem());
        _client = Issue(_ca, "client", serverAuth: false);
        using var strangerCa = Authority("Stranger CA");
        _stranger = Issue(strangerCa, "stranger", serverAuth: false);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _client.Dispose();
        _stranger.Dispose();
        _repository.Dispose();
    }

    [Fact]
    public async Task Https_ServesRestAndGrpc_ToAClientThatTrustsTheCertificate_AndRefusesPlainHttp()
    {
        await using var app = await StartAsync(mutual: false);
        var (rest, grpcAddress) = Addresses(app);
        Assert.Equal("https", rest.Scheme);

        using var client = new HttpClient(Handler(null)) { BaseAddress = rest };
        using var ready = await client.GetAsync("/v2/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        using var channel = GrpcChannel.ForAddress(grpcAddress, new GrpcChannelOptions { HttpHandler = Handler(null) });
        var metadata = await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelMetadataAsync(new ModelMetadataRequest { Name = "add" });
        Assert.Equal("add", metadata.Name);

        using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{rest.Port}") };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync("/v2/health/ready"));
    }

    [Fact]
    public async Task MutualTls_AcceptsOnlyClientsWithACertificateFromTheGivenCa()
    {
        await using var app = await StartAsync(mutual: true);
        var (rest, _) = Addresses(app);

        using var trusted = new HttpClient(Handler(_client)) { BaseAddress = rest };
        using var anonymous = new HttpClient(Handler(null)) { BaseAddress = rest };
        using var stranger = new HttpClient(Handler(_stranger)) { BaseAddress = rest };

        Assert.Equal(HttpStatusCode.OK, (await trusted.GetAsync("/v2/health/ready")).StatusCode);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => anonymous.GetAsync("/v2/health/ready"));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => stranger.GetAsync("/v2/health/ready"));
    }

    private async Task<WebApplication> StartAsync(bool mutual)
    {
        var app = MaasServer.Build(new MaasServerOptions
        {
            ModelRepository = _repository.Root,
            HttpPort = 0,
            GrpcPort = 0,
            TlsCert = _repository.PathOf("server.pem"),
            TlsKey = _repository.PathOf("server.key"),
            TlsClientCa = mutual ? _repository.PathOf("ca.pem") : null,
        });
        await app.StartAsync();
        await app.WaitForModelsAsync();
        return app;
    }

    private static (Uri Http, Uri Grpc) Addresses(WebApplication app)
    {
        var listeners = app.Services.GetRequiredService<ServerListeners>();
        return (listeners.Http!, listeners.Grpc!);
    }

    // Trusts only the test CA; presents a client certificate when given one.
    private SocketsHttpHandler Handler(X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is not null && chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return handler;
    }

    private static X509Certificate2 Authority(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string name, bool serverAuth)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(8);
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
        return issued.CopyWithPrivateKey(key);
    }
}

using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Maas.Grpc.Protocol;
using Maas.Server.Security;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.Server.Tests.Security;

/// <summary>
/// With keys configured, no route answers without a valid key but liveness and readiness: every
/// HTTP endpoint the server maps, and every gRPC method, is enumerated and tried.
/// </summary>
public sealed class EveryRouteTests(SecuredServer server) : IClassFixture<SecuredServer>
{
    private static readonly string[] OpenPaths = ["/v2/health/live", "/v2/health/ready"];

    /// <summary>Every mapped HTTP endpoint as (method, a concrete path), from the server's own route table.</summary>
    private List<(string Method, string Path, AccessRequirement? Requirement)> Endpoints()
    {
        var sources = server.Server.Services.GetServices<EndpointDataSource>();
        var endpoints = new List<(string, string, AccessRequirement?)>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<global::Grpc.AspNetCore.Server.GrpcMethodMetadata>() is not null)
            {
                continue;
            }

            var path = endpoint.RoutePattern.RawText!
                .Replace("{model}", "add", StringComparison.Ordinal)
                .Replace("{version}", "1", StringComparison.Ordinal)
                .Replace("{label}", "stable", StringComparison.Ordinal)
                .Replace("{**path:nonfile}", "anything", StringComparison.Ordinal);
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            foreach (var method in methods)
            {
                endpoints.Add((method, path.StartsWith('/') ? path : "/" + path, endpoint.Metadata.GetMetadata<AccessRequirement>()));
            }
        }

        return endpoints;
    }

    [Fact]
    public void EveryEndpoint_DeclaresWhatItNeeds()
    {
        var endpoints = Endpoints();

        Assert.True(endpoints.Count > 20, $"only {endpoints.Count} endpoints found");
        // gRPC's own catch-alls for unknown services and methods declare nothing and so fall to the
        // closed default (admin); the other test proves they answer 401 too.
        Assert.All(endpoints.Where(e => !e.Path.Contains("unimplemented", StringComparison.Ordinal)), e => Assert.True(e.Requirement is not null, $"{e.Method} {e.Path} declares no AccessRequirement"));
        Assert.Equal(OpenPaths, endpoints.Where(e => e.Requirement?.Kind == AccessKind.Open).Select(e => e.Path).Order());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("maas_000000000000_notakey")]
    [InlineData("revoked")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task EveryHttpRoute_WithoutAValidKey_Is401_ButLivenessAndReadiness(string? credential)
    {
        using var client = server.Client(null);
        foreach (var (method, path, _) in Endpoints())
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : new StringContent("{}") };
            if (credential is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", credential == "revoked" ? "Bearer " + server.Revoked : credential.StartsWith("Basic", StringComparison.Ordinal) ? credential : "Bearer " + credential);
            }

            using var response = await client.SendAsync(request);

            var expected = OpenPaths.Contains(path) ? HttpStatusCode.OK : HttpStatusCode.Unauthorized;
            Assert.True(expected == response.StatusCode, $"{method} {path} answered {(int)response.StatusCode} without a valid key");
        }
    }

    [Fact]
    public async Task AnUnmappedRoute_NeedsAKeyToo()
    {
        using var client = server.Client(null);

        using var response = await client.GetAsync("/no/such/route");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Authorization: Bearer <key>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EveryGrpcMethod_WithoutAKey_IsUnauthenticated_ButServerLiveAndReady()
    {
        using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = server.Server.CreateHandler() });
        var grpc = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var methods = GRPCInferenceService.Descriptor.Methods.Select(m => m.Name).Order().ToArray();
        Assert.Equal(["ModelInfer", "ModelMetadata", "ModelReady", "ModelStreamInfer", "ServerLive", "ServerMetadata", "ServerReady"], methods);

        Assert.True((await grpc.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await grpc.ServerReadyAsync(new ServerReadyRequest())).Ready);
        await Unauthenticated(() => grpc.ServerMetadataAsync(new ServerMetadataRequest()).ResponseAsync);
        await Unauthenticated(() => grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "add" }).ResponseAsync);
        await Unauthenticated(() => grpc.ModelReadyAsync(new ModelReadyRequest { Name = "add" }).ResponseAsync);
        await Unauthenticated(() => grpc.ModelInferAsync(new ModelInferRequest { ModelName = "add" }).ResponseAsync);
        await Unauthenticated(async () =>
        {
            using var call = grpc.ModelStreamInfer();
            await call.RequestStream.WriteAsync(new ModelInferRequest { ModelName = "add" });
            await call.RequestStream.CompleteAsync();
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });
    }

    [Fact]
    public async Task Grpc_WithAKeyInMetadata_Works_AndScopesApplyToEachStreamedMessage()
    {
        using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = server.Server.CreateHandler() });
        var grpc = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var addOnly = new Metadata { { "authorization", "Bearer " + server.AddOnly } };

        Assert.Equal("add", (await grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "add" }, addOnly)).Name);
        var denied = await Assert.ThrowsAsync<RpcException>(() => grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "small-cnn" }, addOnly).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("infer on model 'small-cnn'", denied.Status.Detail);
        Assert.DoesNotContain(server.AddOnly, denied.Status.Detail);

        using var call = grpc.ModelStreamInfer(addOnly);
        await call.RequestStream.WriteAsync(new ModelInferRequest { ModelName = "small-cnn" });
        var streamDenied = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.PermissionDenied, streamDenied.StatusCode);
    }

    private static async Task Unauthenticated(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }
}

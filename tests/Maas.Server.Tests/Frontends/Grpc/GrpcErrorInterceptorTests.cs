using Grpc.Core;
using Maas.Server.Frontends.Grpc;
using Maas.Server.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Maas.Server.Tests.Frontends.Grpc;

/// <summary>
/// The interceptor's mapping of what a handler throws. A client that cancels or resets a stream
/// makes the transport throw mid-call; seen with @grpc/grpc-js (tests/conformance), that was logged
/// as an unhandled server error.
/// </summary>
public sealed class GrpcErrorInterceptorTests
{
    public static TheoryData<string> TransportFailures => new() { "reset", "complete", "cancelled" };

    [Theory]
    [MemberData(nameof(TransportFailures))]
    public async Task StreamFailure_AfterTheClientCancelled_IsCancelled_AndNoErrorIsLogged(string failure)
    {
        var logger = new ListLogger<GrpcErrorInterceptor>();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => RunStreamAsync(logger, Transport(failure), cancelled.Token));

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains("cancellation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AStreamReset_BeforeTheCallsTokenFlips_IsStillCancelled_AndNoErrorIsLogged()
    {
        // Seen in CI: Kestrel's read fails with the reset before the call's token is cancelled.
        var logger = new ListLogger<GrpcErrorInterceptor>();

        var error = await Assert.ThrowsAsync<RpcException>(() => RunStreamAsync(logger, Transport("reset"), CancellationToken.None));

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task UnexpectedFailure_WhileTheCallIsLive_IsInternal_AndLoggedAsAnError()
    {
        var logger = new ListLogger<GrpcErrorInterceptor>();

        var error = await Assert.ThrowsAsync<RpcException>(() => RunStreamAsync(logger, Transport("complete"), CancellationToken.None));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error);
    }

    [Fact]
    public async Task MaasError_AfterTheClientCancelled_KeepsItsOwnStatus()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => RunStreamAsync(new ListLogger<GrpcErrorInterceptor>(), Maas.Errors.MaasError.DeadlineExceeded("queued too long"), cancelled.Token));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    // What Kestrel and Grpc.AspNetCore throw once the client has reset or ended the call.
    private static Exception Transport(string failure) => failure switch
    {
        "reset" => new IOException("The client reset the request stream."),
        "complete" => new InvalidOperationException("Can't write the message because the request is complete."),
        _ => new OperationCanceledException(),
    };

    private static Task RunStreamAsync(ILogger<GrpcErrorInterceptor> logger, Exception thrown, CancellationToken token) =>
        new GrpcErrorInterceptor(logger).DuplexStreamingServerHandler<string, string>(null!, null!, new FakeCallContext(token), (_, _, _) => throw thrown);

    /// <summary>Just enough of a call for the interceptor: its method and cancellation token.</summary>
    private sealed class FakeCallContext(CancellationToken token) : ServerCallContext
    {
        protected override string MethodCore => "/inference.GRPCInferenceService/ModelStreamInfer";

        protected override string HostCore => "localhost";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => token;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore => throw new NotSupportedException();

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}

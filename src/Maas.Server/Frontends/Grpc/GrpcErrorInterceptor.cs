using Grpc.Core;
using Grpc.Core.Interceptors;
using Maas.Errors;
using Maas.Server.Observability;
using Microsoft.Extensions.Logging;

namespace Maas.Server.Frontends.Grpc;

/// <summary>
/// The gRPC frontend's one error mapping: <see cref="MaasError"/> codes become gRPC status codes
/// with the error's message; anything unexpected is INTERNAL with the details only in the log.
/// </summary>
internal sealed class GrpcErrorInterceptor : Interceptor
{
    private readonly ILogger _logger;

    public GrpcErrorInterceptor(ILogger<GrpcErrorInterceptor> logger)
    {
        _logger = logger;
    }

    /// <summary>The gRPC status for an error code.</summary>
    public static StatusCode StatusCode(MaasErrorCode code) => code switch
    {
        MaasErrorCode.InvalidArgument => global::Grpc.Core.StatusCode.InvalidArgument,
        MaasErrorCode.NotFound => global::Grpc.Core.StatusCode.NotFound,
        MaasErrorCode.Unavailable => global::Grpc.Core.StatusCode.Unavailable,
        MaasErrorCode.ResourceExhausted => global::Grpc.Core.StatusCode.ResourceExhausted,
        MaasErrorCode.Unauthenticated => global::Grpc.Core.StatusCode.Unauthenticated,
        MaasErrorCode.PermissionDenied => global::Grpc.Core.StatusCode.PermissionDenied,
        MaasErrorCode.DeadlineExceeded => global::Grpc.Core.StatusCode.DeadlineExceeded,
        MaasErrorCode.Unsupported => global::Grpc.Core.StatusCode.Unimplemented,
        _ => global::Grpc.Core.StatusCode.Internal,
    };

    /// <summary>The exception that carries <paramref name="error"/> to the client.</summary>
    public static RpcException ToRpcException(MaasError error) => new(new Status(StatusCode(error.Code), error.Message));

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (Translate(ex, context) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception ex) when (Translate(ex, context) is { } translated)
        {
            throw translated;
        }
    }

    // The reset can reach the handler's read before the call's token flips (seen in CI): an I/O
    // failure of the request or response stream itself is the client leaving, token or not.
    private static bool IsTransportGone(Exception exception) =>
        exception is IOException or Microsoft.AspNetCore.Connections.ConnectionResetException
        || exception.InnerException is IOException or Microsoft.AspNetCore.Connections.ConnectionResetException;

    private RpcException? Translate(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case RpcException:
                return null;
            case MaasError error:
                return ToRpcException(error);
            case Exception when context.CancellationToken.IsCancellationRequested || IsTransportGone(exception):
                // Once the client has cancelled or reset the call (or its deadline passed), the
                // transport's reads and writes fail: OperationCanceledException, IOException
                // ("The client reset the request stream"), InvalidOperationException ("the request
                // is complete"). That is the cancellation, not a server fault, and nobody is left to
                // receive the status: CANCELLED, and a debug line instead of an error.
                ServerLog.CallCancelled(_logger, "gRPC", context.Method, exception);
                return new RpcException(new Status(global::Grpc.Core.StatusCode.Cancelled, "The call was cancelled by the client or its deadline."));
            default:
                ServerLog.UnhandledError(_logger, "gRPC", context.Method, exception);
                return new RpcException(new Status(global::Grpc.Core.StatusCode.Internal, $"Internal server error ({exception.GetType().Name}); the server log has the details."));
        }
    }
}

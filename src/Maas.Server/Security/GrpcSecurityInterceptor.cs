using Grpc.Core;
using Grpc.Core.Interceptors;
using Maas.Grpc.Protocol;

namespace Maas.Server.Security;

/// <summary>
/// The gRPC side of <see cref="SecurityMiddleware"/>: the key from the <c>authorization</c>
/// metadata, the model from the request message, the decision from <see cref="AccessPolicy"/>.
/// ServerLive and ServerReady are open (probes); every other method needs a key; model methods
/// need infer on that model, checked for every message of a stream.
/// </summary>
internal sealed class GrpcSecurityInterceptor : Interceptor
{
    private readonly ApiKeyStore _keys;

    public GrpcSecurityInterceptor(ApiKeyStore keys)
    {
        _keys = keys;
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        if (_keys.Enabled)
        {
            Check(context, ModelOf(request), KindOf(request));
        }

        return continuation(request, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        if (!_keys.Enabled)
        {
            return continuation(requestStream, responseStream, context);
        }

        var key = Check(context, null, AccessKind.Authenticated);
        return continuation(new CheckedReader<TRequest>(requestStream, message => AccessPolicy.Check(key, AccessKind.Infer, ModelOf(message))), responseStream, context);
    }

    // The proto has no server- or client-streaming method today; one added later is closed until
    // it is given a rule here (admin), rather than open because nobody overrode its handler.
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        if (_keys.Enabled)
        {
            Check(context, ModelOf(request), KindOf(request));
        }

        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        if (_keys.Enabled)
        {
            Check(context, null, AccessKind.Admin);
        }

        return continuation(requestStream, context);
    }

    private ApiKey? Check(ServerCallContext context, string? model, AccessKind kind)
    {
        var http = context.GetHttpContext();
        var key = SecurityMiddleware.Authenticate(http, _keys);
        SecurityMiddleware.Feature(http).Model = model;
        AccessPolicy.Check(key, kind, model);
        if (key is not null)
        {
            SecurityMiddleware.Limit(http, key, _keys);
        }

        return key;
    }

    private static AccessKind KindOf(object? request) => request switch
    {
        ServerLiveRequest or ServerReadyRequest => AccessKind.Open,
        ModelInferRequest or ModelMetadataRequest or ModelReadyRequest => AccessKind.Infer,
        ServerMetadataRequest => AccessKind.Authenticated,
        // A method this table does not know is closed by default.
        _ => AccessKind.Admin,
    };

    private static string? ModelOf(object? request) => request switch
    {
        ModelInferRequest infer => infer.ModelName,
        ModelMetadataRequest metadata => metadata.Name,
        ModelReadyRequest ready => ready.Name,
        _ => null,
    };

    /// <summary>A request stream that checks each message before the service sees it.</summary>
    private sealed class CheckedReader<T>(IAsyncStreamReader<T> inner, Action<T> check) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            check(inner.Current);
            return true;
        }
    }
}

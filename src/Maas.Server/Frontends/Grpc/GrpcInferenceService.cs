using System.Threading.Channels;
using Grpc.Core;
using Maas.Core.Routing;
using Maas.Errors;
using Maas.Grpc.Protocol;
using Maas.Inference;
using Maas.Models;
using KServeEndpoints = Maas.Server.Frontends.KServe.KServeEndpoints;
using Maas.Server.Observability;
using Maas.Tensors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Maas.Server.Frontends.Grpc;

/// <summary>
/// <c>inference.GRPCInferenceService</c>: health, metadata and inference over gRPC, converted into
/// the same canonical requests as the REST frontends. Errors leave through
/// <see cref="GrpcErrorInterceptor"/>; in a stream, a failed request answers with
/// <c>error_message</c> and the stream goes on.
/// </summary>
/// <remarks>
/// The class binds its own RPCs (<see cref="Bind"/>) instead of deriving from the generated base,
/// so that it can choose the marshallers. gRPC's binder looks for public virtual methods declared
/// on the class that carries <see cref="BindServiceMethodAttribute"/>: hence virtual, not sealed.
/// </remarks>
[BindServiceMethod(typeof(GrpcInferenceService), nameof(Bind))]
internal class GrpcInferenceService
{
    /// <summary>Requests of one stream that may run at once; a client sending faster waits (back-pressure).</summary>
    public const int MaxInFlightPerStream = 64;

    /// <summary>The request parameter that names a version label (config.json <c>labels</c>), since ModelInferRequest has no field for one.</summary>
    public const string LabelParameter = "label";

    private readonly ModelRouter _router;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;

    public GrpcInferenceService(ModelRouter router, IServiceProvider services, ILogger<GrpcInferenceService> logger)
    {
        _router = router;
        _services = services;
        _logger = logger;
    }

    public virtual Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public virtual Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = ServerHealth.IsServerReady(_services) });

    public virtual Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ModelReadyResponse { Ready = ServerHealth.IsModelReady(_router, request.Name, NullIfEmpty(request.Version)) });

    public virtual Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var response = new ServerMetadataResponse { Name = "maas", Version = ServerInfo.Version };
        response.Extensions.AddRange(KServeEndpoints.Extensions);
        return Task.FromResult(response);
    }

    public virtual Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var (model, _, metadata) = ServerHealth.ResolveMetadata(_router, request.Name, NullIfEmpty(request.Version));
        var response = new ModelMetadataResponse { Name = model.Name, Platform = metadata.Platform };
        response.Versions.AddRange(ServerHealth.ReadyVersions(model));
        response.Inputs.AddRange(Describe(metadata.Inputs));
        response.Outputs.AddRange(Describe(metadata.Outputs));
        return Task.FromResult(response);
    }

    public virtual async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var answer = await InferAsync(request, context.CancellationToken, context.GetHttpContext());
        // Raw outputs view the response's buffers: free them once the message has been written.
        context.GetHttpContext().Response.RegisterForDispose(answer);
        return answer.Message.InferResponse;
    }

    public virtual async Task ModelStreamInfer(IAsyncStreamReader<ModelInferRequest> requestStream, IServerStreamWriter<ModelStreamInferResponse> responseStream, ServerCallContext context)
    {
        // Requests run as they arrive (up to MaxInFlightPerStream at once) and are answered in the
        // order they came, so a client that sets no id can still match answers to requests.
        var cancellation = context.CancellationToken;
        var pending = Channel.CreateBounded<Task<Answer>>(new BoundedChannelOptions(MaxInFlightPerStream) { SingleReader = true, SingleWriter = true });
        var writing = WriteInOrderAsync(pending.Reader, responseStream);
        try
        {
            while (await requestStream.MoveNext(cancellation))
            {
                await pending.Writer.WriteAsync(AnswerInStreamAsync(requestStream.Current, cancellation), cancellation);
            }
        }
        finally
        {
            pending.Writer.Complete();
            await writing;
        }
    }

    /// <summary>Binds the RPCs with marshallers that answer malformed messages with INVALID_ARGUMENT.</summary>
    public static void Bind(ServiceBinderBase binder, GrpcInferenceService? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        const string Name = "inference.GRPCInferenceService";
        binder.AddMethod(Unary(Name, "ServerLive", ServerLiveRequest.Parser, ServerLiveResponse.Parser), service is null ? null : service.ServerLive);
        binder.AddMethod(Unary(Name, "ServerReady", ServerReadyRequest.Parser, ServerReadyResponse.Parser), service is null ? null : service.ServerReady);
        binder.AddMethod(Unary(Name, "ModelReady", ModelReadyRequest.Parser, ModelReadyResponse.Parser), service is null ? null : service.ModelReady);
        binder.AddMethod(Unary(Name, "ServerMetadata", ServerMetadataRequest.Parser, ServerMetadataResponse.Parser), service is null ? null : service.ServerMetadata);
        binder.AddMethod(Unary(Name, "ModelMetadata", ModelMetadataRequest.Parser, ModelMetadataResponse.Parser), service is null ? null : service.ModelMetadata);
        binder.AddMethod(Unary(Name, "ModelInfer", ModelInferRequest.Parser, ModelInferResponse.Parser), service is null ? null : service.ModelInfer);
        binder.AddMethod(
            new Method<ModelInferRequest, ModelStreamInferResponse>(MethodType.DuplexStreaming, Name, "ModelStreamInfer", GuardedMarshallers.Create(ModelInferRequest.Parser), GuardedMarshallers.Create(ModelStreamInferResponse.Parser)),
            service is null ? null : service.ModelStreamInfer);
    }

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string service, string name, Google.Protobuf.MessageParser<TRequest> request, Google.Protobuf.MessageParser<TResponse> response)
        where TRequest : class, Google.Protobuf.IMessage<TRequest>, Google.Protobuf.IBufferMessage
        where TResponse : class, Google.Protobuf.IMessage<TResponse>, Google.Protobuf.IBufferMessage =>
        new(MethodType.Unary, service, name, GuardedMarshallers.Create(request), GuardedMarshallers.Create(response));

    private async Task<Answer> InferAsync(ModelInferRequest message, CancellationToken cancellation, HttpContext? http = null)
    {
        // The protocol has no label field: a "label" request parameter names one (Maas's extension).
        var label = message.Parameters.TryGetValue(LabelParameter, out var value) && value.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.StringParam ? value.StringParam : null;
        var lease = _router.Acquire(message.ModelName, NullIfEmpty(message.ModelVersion), label, NullIfEmpty(message.Id));
        InferenceRequest? request = null;
        InferenceResponse? response = null;
        try
        {
            request = GrpcInferRequestReader.Read(message, lease.Version.VersionText);
            var called = System.Diagnostics.Stopwatch.GetTimestamp();
            response = await lease.Version.InferAsync(request, cancellation);
            if (http is not null)
            {
                RequestTracing.Record(http, response, called);
            }
            var result = GrpcInferResponseWriter.Write(message, response);
            return new Answer(new ModelStreamInferResponse { InferResponse = result }, request, response, lease);
        }
        catch
        {
            response?.Dispose();
            request?.Dispose();
            lease.Dispose();
            throw;
        }
    }

    private async Task<Answer> AnswerInStreamAsync(ModelInferRequest message, CancellationToken cancellation)
    {
        string error;
        try
        {
            return await InferAsync(message, cancellation);
        }
        catch (MaasError ex)
        {
            error = ex.Message;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            error = "The stream was cancelled before this request ran.";
        }
#pragma warning disable CA1031 // One request's failure must not end the other requests of the stream.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ServerLog.UnhandledError(_logger, "gRPC", "ModelStreamInfer", ex);
            error = $"Internal server error ({ex.GetType().Name}); the server log has the details.";
        }

        var failed = new ModelInferResponse { ModelName = message.ModelName, ModelVersion = message.ModelVersion, Id = message.Id };
        return new Answer(new ModelStreamInferResponse { ErrorMessage = error, InferResponse = failed }, null, null, default);
    }

    private static async Task WriteInOrderAsync(ChannelReader<Task<Answer>> pending, IServerStreamWriter<ModelStreamInferResponse> stream)
    {
        // Every answer is awaited and disposed, even after a failed write, so no buffer outlives the call.
        Exception? failure = null;
        await foreach (var next in pending.ReadAllAsync())
        {
            using var answer = await next;
            if (failure is not null)
            {
                continue;
            }

            try
            {
                await stream.WriteAsync(answer.Message);
            }
#pragma warning disable CA1031 // Kept and rethrown once the pending answers are released.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure = ex;
            }
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private static IEnumerable<ModelMetadataResponse.Types.TensorMetadata> Describe(IReadOnlyList<TensorMetadata> tensors)
    {
        foreach (var tensor in tensors)
        {
            var described = new ModelMetadataResponse.Types.TensorMetadata { Name = tensor.Name, Datatype = tensor.DataType.WireName() };
            described.Shape.AddRange(tensor.Shape.ToArray());
            yield return described;
        }
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>
    /// An answer, the buffers it views and the lease on the version whose engine may own them;
    /// disposed once, after it has been written.
    /// </summary>
    private sealed record Answer(ModelStreamInferResponse Message, InferenceRequest? Request, InferenceResponse? Response, VersionLease Lease) : IDisposable
    {
        public void Dispose()
        {
            Response?.Dispose();
            Request?.Dispose();
            Lease.Dispose();
        }
    }
}

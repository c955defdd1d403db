using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using Maas.Grpc.Protocol;

namespace Maas.Client.Grpc;

/// <summary>
/// KServe v2 over gRPC (<c>inference.GRPCInferenceService</c>). Tensors travel as
/// <c>raw_input_contents</c> by default (no per-element conversion); set
/// <see cref="UseTypedContents"/> to send typed <c>contents</c> instead.
/// </summary>
public sealed class KServeGrpcClient : IInferenceClient
{
    private readonly GrpcChannel? _ownedChannel;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _client;

    /// <summary>A client for the server at <paramref name="address"/> (e.g. <c>http://localhost:8001</c>).</summary>
    public KServeGrpcClient(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        _ownedChannel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = null, MaxSendMessageSize = null });
        _client = new GRPCInferenceService.GRPCInferenceServiceClient(_ownedChannel);
    }

    /// <summary>A client over <paramref name="channel"/>, which the caller owns.</summary>
    public KServeGrpcClient(ChannelBase channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        _client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
    }

    /// <summary>Send typed <c>contents</c> instead of raw bytes (FP16 and BF16 always go raw).</summary>
    public bool UseTypedContents { get; init; }

    /// <inheritdoc/>
    public async Task<bool> IsServerLiveAsync(CancellationToken cancellationToken = default) =>
        (await CallAsync(_client.ServerLiveAsync(new ServerLiveRequest(), cancellationToken: cancellationToken), cancellationToken)).Live;

    /// <inheritdoc/>
    public async Task<bool> IsServerReadyAsync(CancellationToken cancellationToken = default) =>
        (await CallAsync(_client.ServerReadyAsync(new ServerReadyRequest(), cancellationToken: cancellationToken), cancellationToken)).Ready;

    /// <inheritdoc/>
    public async Task<bool> IsModelReadyAsync(string model, string? version = null, CancellationToken cancellationToken = default) =>
        (await CallAsync(_client.ModelReadyAsync(new ModelReadyRequest { Name = model, Version = version ?? "" }, cancellationToken: cancellationToken), cancellationToken)).Ready;

    /// <inheritdoc/>
    public async Task<Client.ServerMetadata> GetServerMetadataAsync(CancellationToken cancellationToken = default)
    {
        var response = await CallAsync(_client.ServerMetadataAsync(new ServerMetadataRequest(), cancellationToken: cancellationToken), cancellationToken);
        return new Client.ServerMetadata(response.Name, response.Version, [.. response.Extensions]);
    }

    /// <inheritdoc/>
    public async Task<Client.ModelMetadata> GetModelMetadataAsync(string model, string? version = null, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync(_client.ModelMetadataAsync(new ModelMetadataRequest { Name = model, Version = version ?? "" }, cancellationToken: cancellationToken), cancellationToken);
        static TensorSpec[] Specs(IEnumerable<ModelMetadataResponse.Types.TensorMetadata> tensors) =>
            [.. tensors.Select(t => new TensorSpec(t.Name, t.Datatype, [.. t.Shape]))];
        return new Client.ModelMetadata(response.Name, [.. response.Versions], response.Platform, Specs(response.Inputs), Specs(response.Outputs));
    }

    /// <inheritdoc/>
    public async Task<InferResult> InferAsync(InferRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await CallAsync(_client.ModelInferAsync(GrpcMessages.ToMessage(request, UseTypedContents), cancellationToken: cancellationToken), cancellationToken);
        return GrpcMessages.FromMessage(response);
    }

    /// <summary>
    /// Sends <paramref name="requests"/> over one <c>ModelStreamInfer</c> stream and yields one
    /// answer per request, in order. A request the server refuses yields an error answer and the
    /// stream goes on; a failure of the stream itself throws <see cref="MaasClientException"/>.
    /// </summary>
    public async IAsyncEnumerable<StreamInferResult> StreamInferAsync(IAsyncEnumerable<InferRequest> requests, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        using var call = _client.ModelStreamInfer(cancellationToken: cancellationToken);
        var sending = SendAllAsync(call.RequestStream, requests, cancellationToken);
        var answers = Channel.CreateUnbounded<StreamInferResult>();
        var receiving = ReceiveAllAsync(call.ResponseStream, answers.Writer, cancellationToken);
        await foreach (var answer in answers.Reader.ReadAllAsync(cancellationToken))
        {
            yield return answer;
        }

        await sending;
        await receiving;
    }

    /// <inheritdoc/>
    public void Dispose() => _ownedChannel?.Dispose();

    private async Task SendAllAsync(IClientStreamWriter<ModelInferRequest> stream, IAsyncEnumerable<InferRequest> requests, CancellationToken cancellationToken)
    {
        await foreach (var request in requests.WithCancellation(cancellationToken))
        {
            await stream.WriteAsync(GrpcMessages.ToMessage(request, UseTypedContents), cancellationToken);
        }

        await stream.CompleteAsync();
    }

    private static async Task ReceiveAllAsync(IAsyncStreamReader<ModelStreamInferResponse> stream, ChannelWriter<StreamInferResult> answers, CancellationToken cancellationToken)
    {
        try
        {
            while (await stream.MoveNext(cancellationToken))
            {
                var message = stream.Current;
                var id = message.InferResponse?.Id is { Length: > 0 } value ? value : null;
                await answers.WriteAsync(
                    message.ErrorMessage.Length > 0
                        ? new StreamInferResult(id, null, message.ErrorMessage)
                        : new StreamInferResult(id, GrpcMessages.FromMessage(message.InferResponse!), null),
                    cancellationToken);
            }

            answers.Complete();
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            answers.Complete(new OperationCanceledException("The stream was cancelled.", ex, cancellationToken));
        }
        catch (RpcException ex)
        {
            answers.Complete(ToException(ex));
        }
#pragma warning disable CA1031 // Handed to the reader, which rethrows it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            answers.Complete(ex);
        }
    }

    private static async Task<T> CallAsync<T>(AsyncUnaryCall<T> call, CancellationToken cancellationToken)
    {
        using (call)
        {
            try
            {
                return await call.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                // The caller cancelled: say so the .NET way, as the REST client does.
                throw new OperationCanceledException("The call was cancelled.", ex, cancellationToken);
            }
            catch (RpcException ex)
            {
                throw ToException(ex);
            }
        }
    }

    private static MaasClientException ToException(RpcException ex) =>
        new(MaasClientException.CodeFromGrpc(ex.StatusCode), ex.Status.Detail, grpcStatus: ex.StatusCode, innerException: ex);
}

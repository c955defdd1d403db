using Google.Protobuf;
using Grpc.Core;

namespace Maas.Server.Frontends.Grpc;

/// <summary>
/// Protobuf marshallers whose parse failures are INVALID_ARGUMENT with a clear message. The stock
/// ones let the exception escape before any handler runs, and clients see UNKNOWN.
/// </summary>
internal static class GuardedMarshallers
{
    public static Marshaller<T> Create<T>(MessageParser<T> parser)
        where T : IMessage<T>, IBufferMessage
    {
        return Marshallers.Create<T>(
            static (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context =>
            {
                try
                {
                    return parser.ParseFrom(context.PayloadAsReadOnlySequence());
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"The request is not a valid {typeof(T).Name} protobuf message ({ex.Message}); check that the client was built from the inference.GRPCInferenceService proto."));
                }
            });
    }
}

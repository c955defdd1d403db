using Maas.Errors;

namespace Maas.Client;

/// <summary>
/// The server refused or failed a request. <see cref="Code"/> is the server's error code (from
/// the HTTP or gRPC status) and <see cref="Exception.Message"/> the server's own message.
/// </summary>
public sealed class MaasClientException : Exception
{
    /// <summary>Creates the exception for an answer the server gave.</summary>
    public MaasClientException(MaasErrorCode code, string message, int? httpStatus = null, global::Grpc.Core.StatusCode? grpcStatus = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        HttpStatus = httpStatus;
        GrpcStatus = grpcStatus;
    }

    /// <summary>Creates an exception with <see cref="MaasErrorCode.Internal"/>.</summary>
    public MaasClientException()
        : this(MaasErrorCode.Internal, "The server failed the request.")
    {
    }

    /// <summary>Creates an exception with <see cref="MaasErrorCode.Internal"/> and <paramref name="message"/>.</summary>
    public MaasClientException(string message)
        : this(MaasErrorCode.Internal, message)
    {
    }

    /// <summary>Creates an exception with <see cref="MaasErrorCode.Internal"/>, wrapping <paramref name="innerException"/>.</summary>
    public MaasClientException(string message, Exception innerException)
        : this(MaasErrorCode.Internal, message, innerException: innerException)
    {
    }

    /// <summary>What kind of failure: the same small code set the server uses.</summary>
    public MaasErrorCode Code { get; }

    /// <summary>The HTTP status, when the request went over REST.</summary>
    public int? HttpStatus { get; }

    /// <summary>The gRPC status, when the request went over gRPC.</summary>
    public global::Grpc.Core.StatusCode? GrpcStatus { get; }

    /// <summary>The error code for an HTTP status, as the server maps them.</summary>
    public static MaasErrorCode CodeFromHttp(int status) => status switch
    {
        400 or 413 => MaasErrorCode.InvalidArgument,
        401 => MaasErrorCode.Unauthenticated,
        403 => MaasErrorCode.PermissionDenied,
        404 => MaasErrorCode.NotFound,
        429 => MaasErrorCode.ResourceExhausted,
        501 => MaasErrorCode.Unsupported,
        503 => MaasErrorCode.Unavailable,
        504 => MaasErrorCode.DeadlineExceeded,
        _ => MaasErrorCode.Internal,
    };

    /// <summary>The error code for a gRPC status, as the server maps them.</summary>
    public static MaasErrorCode CodeFromGrpc(global::Grpc.Core.StatusCode status) => status switch
    {
        global::Grpc.Core.StatusCode.InvalidArgument or global::Grpc.Core.StatusCode.OutOfRange => MaasErrorCode.InvalidArgument,
        global::Grpc.Core.StatusCode.NotFound => MaasErrorCode.NotFound,
        global::Grpc.Core.StatusCode.Unavailable => MaasErrorCode.Unavailable,
        global::Grpc.Core.StatusCode.ResourceExhausted => MaasErrorCode.ResourceExhausted,
        global::Grpc.Core.StatusCode.Unauthenticated => MaasErrorCode.Unauthenticated,
        global::Grpc.Core.StatusCode.PermissionDenied => MaasErrorCode.PermissionDenied,
        global::Grpc.Core.StatusCode.DeadlineExceeded => MaasErrorCode.DeadlineExceeded,
        global::Grpc.Core.StatusCode.Unimplemented => MaasErrorCode.Unsupported,
        _ => MaasErrorCode.Internal,
    };
}

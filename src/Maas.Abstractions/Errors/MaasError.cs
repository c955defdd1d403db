namespace Maas.Errors;

/// <summary>
/// The one error type of Maas. Thrown by any layer; caught by each frontend and translated by its
/// single error mapper. The message is shown to the client, so it names what was wrong, the
/// limit or expectation, and how to fix it — and never contains payload data.
/// </summary>
public sealed class MaasError : Exception
{
    /// <summary>Creates an error with a code and a client-facing message.</summary>
    public MaasError(MaasErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>What kind of failure this is; decides the wire status.</summary>
    public MaasErrorCode Code { get; }

    /// <summary>The request does not fit: say what, the expectation, and the fix.</summary>
    public static MaasError InvalidArgument(string message) => new(MaasErrorCode.InvalidArgument, message);

    /// <summary>Something named by the request does not exist.</summary>
    public static MaasError NotFound(string message) => new(MaasErrorCode.NotFound, message);

    /// <summary>The target exists but cannot serve right now.</summary>
    public static MaasError Unavailable(string message) => new(MaasErrorCode.Unavailable, message);

    /// <summary>A limit was reached; the message names the limit and its value.</summary>
    public static MaasError ResourceExhausted(string message) => new(MaasErrorCode.ResourceExhausted, message);

    /// <summary>What the request asks for is not supported.</summary>
    public static MaasError Unsupported(string message) => new(MaasErrorCode.Unsupported, message);

    /// <summary>The deadline passed before the work ran.</summary>
    public static MaasError DeadlineExceeded(string message) => new(MaasErrorCode.DeadlineExceeded, message);

    /// <summary>The request carries no valid credentials: say how to send them.</summary>
    public static MaasError Unauthenticated(string message) => new(MaasErrorCode.Unauthenticated, message);

    /// <summary>The credentials are valid but lack a permission: name the permission, never the secret.</summary>
    public static MaasError PermissionDenied(string message) => new(MaasErrorCode.PermissionDenied, message);

    /// <summary>An unexpected failure, usually wrapping an engine exception.</summary>
    public static MaasError Internal(string message, Exception? inner = null) => new(MaasErrorCode.Internal, message, inner);
}

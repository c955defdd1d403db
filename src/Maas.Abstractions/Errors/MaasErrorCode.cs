namespace Maas.Errors;

/// <summary>
/// The small, closed set of error codes every layer speaks. Each frontend maps these to its wire
/// status in exactly one place (HTTP status, gRPC status); no other code chooses a status.
/// </summary>
public enum MaasErrorCode
{
    /// <summary>The request is malformed or does not fit the model (HTTP 400).</summary>
    InvalidArgument,

    /// <summary>The model, version or route does not exist (HTTP 404).</summary>
    NotFound,

    /// <summary>The model exists but cannot serve now: loading, failed, draining (HTTP 503).</summary>
    Unavailable,

    /// <summary>A queue, quota or size limit is exhausted; retrying later may succeed (HTTP 429, or 413 for bodies).</summary>
    ResourceExhausted,

    /// <summary>No valid credentials were presented (HTTP 401).</summary>
    Unauthenticated,

    /// <summary>Credentials are valid but lack the scope needed (HTTP 403).</summary>
    PermissionDenied,

    /// <summary>The request's deadline passed before it could run (HTTP 504).</summary>
    DeadlineExceeded,

    /// <summary>A bug or an engine failure; the message says what failed (HTTP 500).</summary>
    Internal,

    /// <summary>The server understood the request but does not support what it asks (HTTP 501).</summary>
    Unsupported,
}

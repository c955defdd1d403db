using System.Text.Json;
using Maas.Errors;
using Microsoft.AspNetCore.Http;

namespace Maas.Server.Frontends;

/// <summary>
/// The one mapping from <see cref="MaasErrorCode"/> to HTTP status, shared by every HTTP frontend,
/// and the writer of the protocol's error body <c>{"error": "..."}</c>.
/// </summary>
public static class HttpErrorMapper
{
    /// <summary>HttpContext item: seconds for Retry-After on a 429 (default 1), set by whoever refused the request.</summary>
    public const string RetryAfterItem = "maas.retry-after";

    /// <summary>The HTTP status for an error code.</summary>
    public static int StatusCode(MaasErrorCode code) => code switch
    {
        MaasErrorCode.InvalidArgument => StatusCodes.Status400BadRequest,
        MaasErrorCode.NotFound => StatusCodes.Status404NotFound,
        MaasErrorCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        MaasErrorCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        MaasErrorCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        MaasErrorCode.PermissionDenied => StatusCodes.Status403Forbidden,
        MaasErrorCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        MaasErrorCode.Unsupported => StatusCodes.Status501NotImplemented,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Writes <paramref name="error"/> as the response, unless the response has started.</summary>
    public static Task WriteAsync(HttpContext context, MaasError error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        return WriteAsync(context, StatusCode(error.Code), error.Message);
    }

    /// <summary>Writes <c>{"error": message}</c> with <paramref name="status"/>.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status429TooManyRequests)
        {
            // A full queue drains in well under a second; a rate limit says how long itself.
            var seconds = context.Items[RetryAfterItem] is int wait ? wait : 1;
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        using var buffer = new Buffers.PooledBufferWriter(256);
        using (var writer = new Utf8JsonWriter(buffer, KServe.KServeJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("error"u8, message);
            writer.WriteEndObject();
        }

        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}

using System.Text.Json;
using Maas.Errors;
using Microsoft.AspNetCore.Http;

namespace Maas.Server.Frontends.OpenAI;

/// <summary>
/// The OpenAI frontend's one error mapping: status from <see cref="HttpErrorMapper.StatusCode"/>,
/// body in OpenAI's shape <c>{"error": {"message", "type", "param", "code"}}</c>.
/// </summary>
internal static class OpenAIErrors
{
    public static string Type(MaasErrorCode code) => code switch
    {
        MaasErrorCode.InvalidArgument or MaasErrorCode.NotFound or MaasErrorCode.Unsupported => "invalid_request_error",
        MaasErrorCode.Unauthenticated => "authentication_error",
        MaasErrorCode.PermissionDenied => "permission_error",
        MaasErrorCode.ResourceExhausted => "rate_limit_error",
        _ => "server_error",
    };

    public static string Code(MaasErrorCode code) => code switch
    {
        MaasErrorCode.InvalidArgument => "invalid_value",
        MaasErrorCode.NotFound => "model_not_found",
        MaasErrorCode.ResourceExhausted => "rate_limit_exceeded",
        MaasErrorCode.Unsupported => "unsupported",
        MaasErrorCode.Unavailable => "unavailable",
        MaasErrorCode.DeadlineExceeded => "timeout",
        MaasErrorCode.Unauthenticated => "invalid_api_key",
        MaasErrorCode.PermissionDenied => "permission_denied",
        _ => "internal_error",
    };

    /// <summary>Writes the error as the whole response (when nothing was sent yet).</summary>
    public static async Task WriteAsync(HttpContext context, MaasError error)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.Clear();
        response.StatusCode = HttpErrorMapper.StatusCode(error.Code);
        if (response.StatusCode == StatusCodes.Status429TooManyRequests)
        {
            var seconds = context.Items[HttpErrorMapper.RetryAfterItem] is int wait ? wait : 1;
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        response.ContentType = "application/json";
        var bytes = Body(error);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>The JSON body of <paramref name="error"/>.</summary>
    public static byte[] Body(MaasError error)
    {
        using var buffer = new Buffers.PooledBufferWriter(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error"u8);
            writer.WriteString("message"u8, error.Message);
            writer.WriteString("type"u8, Type(error.Code));
            writer.WriteNull("param"u8);
            writer.WriteString("code"u8, Code(error.Code));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory.ToArray();
    }
}

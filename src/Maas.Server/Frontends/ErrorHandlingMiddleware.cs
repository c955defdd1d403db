using Maas.Errors;
using Maas.Server.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Maas.Server.Frontends;

/// <summary>
/// Turns every failure on an HTTP route into the protocol's error body: <see cref="MaasError"/>
/// by its code, malformed HTTP (truncated or oversized body) as 400/413, and anything unexpected
/// as 500 with the details only in the log. A client going away is not an error.
/// </summary>
internal sealed class ErrorHandlingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger _logger;

    public ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
    {
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await _next(context);
        }
        catch (MaasError ex) when (context.GetEndpoint()?.Metadata.GetMetadata<OpenAI.OpenAIErrorShape>() is not null)
        {
            await OpenAI.OpenAIErrors.WriteAsync(context, ex);
        }
        catch (MaasError ex)
        {
            await HttpErrorMapper.WriteAsync(context, ex);
        }
        catch (BadHttpRequestException ex)
        {
            var message = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"The request body is larger than the server's limit; send a smaller request or raise --max-request-bytes. ({ex.Message})"
                : $"The request is malformed: {ex.Message}";
            await HttpErrorMapper.WriteAsync(context, ex.StatusCode, message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
#pragma warning disable CA1031 // The last line of defence: nothing a client sends may take the process down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ServerLog.UnhandledError(_logger, context.Request.Method, context.Request.Path.Value ?? "", ex);
            await HttpErrorMapper.WriteAsync(context, StatusCodes.Status500InternalServerError, $"Internal server error ({ex.GetType().Name}); the server log has the details. Request id: {context.TraceIdentifier}.");
        }
    }
}

using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Maas.Server.Security;

/// <summary>Writes one <see cref="AuditRecord"/> per request, after the answer (and any error body) was written.</summary>
internal sealed class AuditMiddleware
{
    private readonly RequestDelegate _next;
    private readonly AuditLog _log;

    public AuditMiddleware(RequestDelegate next, AuditLog log)
    {
        _next = next;
        _log = log;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var arrived = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _next(context);
        }
        finally
        {
            var caller = context.Features.Get<CallerKeyFeature>();
            var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
            int? grpcStatus = trailers is not null && int.TryParse(trailers["grpc-status"], out var code) ? code : null;
            _log.Write(new AuditRecord(
                arrived,
                caller?.Key?.Id,
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.RouteValues["model"] as string ?? caller?.Model,
                context.Request.RouteValues["version"] as string,
                context.Response.StatusCode,
                grpcStatus,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                context.Request.ContentLength,
                context.Response.ContentLength));
        }
    }
}

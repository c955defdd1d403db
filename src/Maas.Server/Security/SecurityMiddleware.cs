using Grpc.AspNetCore.Server;
using Maas.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Maas.Server.Security;

/// <summary>
/// Authentication, authorization and rate limits for every HTTP route, after routing has chosen the
/// endpoint: its <see cref="AccessRequirement"/> says what it needs, <see cref="AccessPolicy"/>
/// decides. gRPC methods are checked by <see cref="GrpcSecurityInterceptor"/> (the model a gRPC
/// call names is inside its message), with the same policy. Without keys every route is open
/// (and the server only binds loopback unless told otherwise).
/// </summary>
internal sealed class SecurityMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ApiKeyStore _keys;
    private readonly ILogger _logger;

    public SecurityMiddleware(RequestDelegate next, ApiKeyStore keys, ILogger<SecurityMiddleware> logger)
    {
        _next = next;
        _keys = keys;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (!_keys.Enabled || endpoint?.Metadata.GetMetadata<GrpcMethodMetadata>() is not null)
        {
            return _next(context);
        }

        var requirement = endpoint?.Metadata.GetMetadata<AccessRequirement>();
        var routeModel = context.Request.RouteValues["model"] as string;
        var kind = requirement?.Kind ?? (routeModel is null ? AccessKind.Admin : AccessKind.Infer);
        if (kind == AccessKind.Open)
        {
            return _next(context);
        }

        var key = Authenticate(context, _keys);
        var model = (requirement ?? AccessRequirement.InferOnRouteModel).ModelFrom(routeModel);
        try
        {
            AccessPolicy.Check(key, kind, model);
            Limit(context, key!, _keys);
        }
        catch (MaasError ex)
        {
            var route = context.Request.Path.Value ?? "";
            var code = ex.Code.ToString();
            SecurityLog.Denied(_logger, route, code, key?.Id ?? "-");
            throw;
        }

        return _next(context);
    }

    /// <summary>The caller's key from <c>Authorization: Bearer</c>, recorded in the request's features; null when absent or invalid.</summary>
    internal static ApiKey? Authenticate(HttpContext context, ApiKeyStore keys)
    {
        var token = AccessPolicy.BearerToken(context.Request.Headers.Authorization.ToString());
        var key = token is null ? null : keys.Authenticate(token);
        Feature(context).Key = key;
        return key;
    }

    /// <summary>Takes one request from the key's rate limit; ResourceExhausted with the wait when it is spent.</summary>
    internal static void Limit(HttpContext context, ApiKey key, ApiKeyStore keys)
    {
        if (!keys.TryAcquire(key, out var retryAfter))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            context.Items[Frontends.HttpErrorMapper.RetryAfterItem] = seconds;
            throw MaasError.ResourceExhausted($"This key's rate limit of {key.RequestsPerSecond} requests per second is spent; retry after {seconds} s, or ask for a higher limit (maas keys create --rate).");
        }
    }

    internal static CallerKeyFeature Feature(HttpContext context)
    {
        var feature = context.Features.Get<CallerKeyFeature>();
        if (feature is null)
        {
            feature = new CallerKeyFeature();
            context.Features.Set(feature);
        }

        return feature;
    }
}

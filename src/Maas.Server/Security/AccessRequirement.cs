namespace Maas.Server.Security;

/// <summary>What a route needs from the caller's key.</summary>
public enum AccessKind
{
    /// <summary>Nothing: liveness and readiness probes.</summary>
    Open,

    /// <summary>Any valid key (server metadata, the list of models, unknown routes).</summary>
    Authenticated,

    /// <summary>A key with <c>infer</c> on the model the request names.</summary>
    Infer,

    /// <summary>A key with <c>metrics</c>.</summary>
    Metrics,

    /// <summary>A key with <c>admin</c>.</summary>
    Admin,
}

/// <summary>
/// Endpoint metadata saying what a route needs; <see cref="SecurityMiddleware"/> enforces it for
/// every HTTP route. A route without it is treated as <see cref="AccessKind.Admin"/> (closed by
/// default), except that a route with a <c>{model}</c> value needs infer on that model.
/// </summary>
public sealed class AccessRequirement
{
    private AccessRequirement(AccessKind kind, bool modelHasMethodSuffix = false)
    {
        Kind = kind;
        ModelHasMethodSuffix = modelHasMethodSuffix;
    }

    /// <summary>Liveness and readiness.</summary>
    public static AccessRequirement Open { get; } = new(AccessKind.Open);

    /// <summary>Any valid key.</summary>
    public static AccessRequirement Authenticated { get; } = new(AccessKind.Authenticated);

    /// <summary>Infer on the route's <c>{model}</c>.</summary>
    public static AccessRequirement InferOnRouteModel { get; } = new(AccessKind.Infer);

    /// <summary>Infer on the route's <c>{model}</c>, whose value may end in TF Serving's <c>:method</c>.</summary>
    public static AccessRequirement InferOnTfServingModel { get; } = new(AccessKind.Infer, modelHasMethodSuffix: true);

    /// <summary>The metrics scope.</summary>
    public static AccessRequirement Metrics { get; } = new(AccessKind.Metrics);

    /// <summary>The admin scope.</summary>
    public static AccessRequirement Admin { get; } = new(AccessKind.Admin);

    /// <summary>What the route needs.</summary>
    public AccessKind Kind { get; }

    /// <summary>True for TF Serving routes, where <c>{model}</c> reads <c>name:predict</c>.</summary>
    public bool ModelHasMethodSuffix { get; }

    /// <summary>The model name a route value stands for.</summary>
    public string? ModelFrom(string? routeValue)
    {
        if (routeValue is null || !ModelHasMethodSuffix)
        {
            return routeValue;
        }

        var colon = routeValue.LastIndexOf(':');
        return colon < 0 ? routeValue : routeValue[..colon];
    }
}

using Maas.Errors;

namespace Maas.Server.Security;

/// <summary>
/// The one decision of who may do what, for every protocol: the HTTP middleware and the gRPC
/// interceptor only find the key and the model, then ask here. Messages name the scope needed,
/// never the key.
/// </summary>
public static class AccessPolicy
{
    /// <summary>The authorization scheme of the header every protocol carries the key in.</summary>
    public const string Scheme = "Bearer";

    /// <summary>
    /// Throws Unauthenticated when a key is needed and <paramref name="key"/> is null, and
    /// PermissionDenied when it lacks the scope <paramref name="kind"/> (on <paramref name="model"/>).
    /// </summary>
    public static void Check(ApiKey? key, AccessKind kind, string? model)
    {
        if (kind == AccessKind.Open)
        {
            return;
        }

        if (key is null)
        {
            throw MaasError.Unauthenticated($"This route needs an API key: send it as 'Authorization: {Scheme} <key>' (gRPC: metadata 'authorization: {Scheme} <key>'). `maas keys create` makes one.");
        }

        if (kind == AccessKind.Authenticated)
        {
            return;
        }

        var scope = kind switch
        {
            AccessKind.Infer => ScopeKind.Infer,
            AccessKind.Metrics => ScopeKind.Metrics,
            _ => ScopeKind.Admin,
        };
        foreach (var granted in key.Scopes)
        {
            if (granted.Allows(scope, model))
            {
                return;
            }
        }

        var needed = scope switch
        {
            ScopeKind.Infer => $"the scope infer on model '{model}' (e.g. infer:{model} or infer:*)",
            ScopeKind.Metrics => "the scope metrics",
            _ => "the scope admin",
        };
        throw MaasError.PermissionDenied($"This key lacks {needed}.");
    }

    /// <summary>The key text of an <c>Authorization: Bearer ...</c> header value, or null.</summary>
    public static string? BearerToken(string? header)
    {
        if (header is null || !header.StartsWith(Scheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[(Scheme.Length + 1)..].Trim();
        return token.Length == 0 ? null : token;
    }
}

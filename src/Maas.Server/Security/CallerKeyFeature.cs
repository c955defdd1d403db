namespace Maas.Server.Security;

/// <summary>
/// What the security layer learned about a request, for the layers after it: the key that
/// authenticated it (null without keys) and, for gRPC, the model named in the message (the audit
/// log records both).
/// </summary>
public sealed class CallerKeyFeature
{
    /// <summary>The caller's key; null when authentication is off or the route is open.</summary>
    public ApiKey? Key { get; set; }

    /// <summary>The model the request names, when the route does not carry it.</summary>
    public string? Model { get; set; }
}

using Microsoft.Extensions.Logging;

namespace Maas.Server.Security;

/// <summary>Log messages of authentication and authorization. Event ids 3000–3099. Keys and payloads are never logged; key ids are.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "API keys: {Count} active key(s) from {Path}")]
    public static partial void KeysLoaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "The keys file {Path} could not be re-read; the previous keys stay in force: {Reason}")]
    public static partial void KeysReloadFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "No API keys are configured (--auth-keys) and --allow-unauthenticated is set: every route is open to anyone who can reach {Host}")]
    public static partial void Unauthenticated(ILogger logger, string host);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "No API keys are configured (--auth-keys): serving on loopback ({Host}) only; give --auth-keys to serve the network")]
    public static partial void LoopbackOnly(ILogger logger, string host);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Denied {Route}: {Reason} (key {KeyId})")]
    public static partial void Denied(ILogger logger, string route, string reason, string keyId);
}

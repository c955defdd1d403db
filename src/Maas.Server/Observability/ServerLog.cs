using Microsoft.Extensions.Logging;

namespace Maas.Server.Observability;

/// <summary>Log messages of the HTTP host. Event ids 2000–2099 are reserved for this area.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    public static partial void UnhandledError(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "Call {Method} {Path} ended by the client's cancellation or deadline")]
    public static partial void CallCancelled(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Maas {Version} serving KServe v2 REST on {Http}{Others} from model repository {Repository}")]
    public static partial void Listening(ILogger logger, string version, string http, string others, string repository);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Listening on {Host}, a non-loopback address: anyone who can reach it can run the models")]
    public static partial void NonLoopback(ILogger logger, string host);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Shutting down: draining in-flight requests (up to {Seconds} s)")]
    public static partial void Draining(ILogger logger, double seconds);
}

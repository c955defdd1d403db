using System.Reflection;

namespace Maas.Server;

/// <summary>Identity of this build, as reported by <c>GET /v2</c> and <c>maas --version</c>.</summary>
public static class ServerInfo
{
    /// <summary>The informational version of the server assembly, without build metadata.</summary>
    public static string Version { get; } = ReadVersion();

    private static string ReadVersion()
    {
        var version = typeof(ServerInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}

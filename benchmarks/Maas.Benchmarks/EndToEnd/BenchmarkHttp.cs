using System.Net;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>The HttpClient every benchmark command uses for set-up, checks and statistics calls.</summary>
internal static class BenchmarkHttp
{
    /// <summary>
    /// A client with no proxy, cookies or decompression, whose connections stay open for the whole
    /// run (a reconnect inside a measured window would be timed).
    /// </summary>
    public static HttpClient CreateClient(int maxConnectionsPerServer = int.MaxValue) =>
        new(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = maxConnectionsPerServer,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
}

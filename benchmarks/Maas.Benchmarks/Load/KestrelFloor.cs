using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Maas.Benchmarks.Load;

/// <summary>
/// The HTTP floor of P4b: a bare ASP.NET Core app with one empty endpoint, run as a child process
/// (<c>load kestrel-floor --port N</c>) pinned to the server's CPU. Kestrel is set up as Maas sets
/// it up (src/Maas.Server/MaasServer.cs): the slim builder, HTTP/1.1 only on a loopback port, no
/// Server header, the same console logging (warnings only). No model, no middleware, no metrics.
/// </summary>
internal static class KestrelFloor
{
    /// <summary>The empty endpoint: any method, answers 200 with no body (a POST body is drained by Kestrel).</summary>
    public const string Path = "/empty";

    public static int Run(string[] args)
    {
        if (args.Length != 2 || args[0] != "--port" || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            Console.Error.WriteLine("usage: load kestrel-floor --port N");
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http1);
        });

        var app = builder.Build();
        app.Map(Path, static (HttpContext _) => Task.CompletedTask);
        app.Run();
        return 0;
    }
}

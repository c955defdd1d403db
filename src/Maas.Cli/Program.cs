using System.CommandLine;
using Maas.Cli.Commands;
using Maas.Server;

namespace Maas.Cli;

/// <summary>The <c>maas</c> command: parses arguments and hands over to the libraries.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => CreateRootCommand().Parse(args).InvokeAsync(new InvocationConfiguration
    {
        // The web host handles SIGINT/SIGTERM itself and drains in-flight requests; System.CommandLine
        // must not force the process down after its own short timeout.
        ProcessTerminationTimeout = null,
    });

    internal static RootCommand CreateRootCommand()
    {
        var root = new RootCommand($"Maas {ServerInfo.Version}: serve ONNX and GGUF models over KServe v2 (REST and gRPC), TensorFlow Serving REST and the OpenAI API, and make them cheaper (inspect, quantize, prune, compare).")
        {
            ServeCommand.Create(),
            ModelsCommand.Create(),
            KeysCommand.Create(),
            InspectCommand.Create(),
            QuantizeCommand.Create(),
            PruneCommand.Create(),
            CompareCommand.Create(),
        };
        return root;
    }
}

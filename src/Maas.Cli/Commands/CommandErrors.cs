using Maas.Errors;

namespace Maas.Cli.Commands;

/// <summary>Runs a command body and turns the one error type into a message and an exit code.</summary>
internal static class CommandErrors
{
    /// <summary>Exit code for a failure the user can fix (bad file, bad option).</summary>
    public const int Failure = 1;

    public static async Task<int> RunAsync(string command, TextWriter error, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (MaasError ex)
        {
            await error.WriteLineAsync($"maas {command}: {ex.Message}");
            return Failure;
        }
    }
}

using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Maas.EndToEnd.Tests.Support;

/// <summary>
/// Runs an outside program (a third-party client) to completion and collects its stdout and stderr,
/// interleaved in the order the lines arrived. A run past its timeout is killed with its children.
/// </summary>
internal static class ChildProcess
{
    /// <summary>The exit code (-1 when the program could not start), every output line, and whether it was killed.</summary>
    public sealed record Result(int ExitCode, string Output, bool TimedOut);

    public static async Task<Result> RunAsync(string program, IReadOnlyList<string> args, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var output = new StringBuilder();
        void OnLine(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return new Result(-1, $"{program} could not be started: {ex.Message}", TimedOut: false);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var timedOut = false;
        using (var deadline = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                process.Kill(entireProcessTree: true);
            }
        }

        // Also waits until both output streams have been read to their end.
        await process.WaitForExitAsync();
        lock (output)
        {
            return new Result(process.ExitCode, output.ToString(), timedOut);
        }
    }
}

using System.Runtime.InteropServices;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// Runs a benchmark's cleanup (kill the servers it started, delete its temp repository) on every
/// way out: normal end (dispose), a second Ctrl+C, process exit, SIGTERM and SIGHUP. The first
/// Ctrl+C only sets <see cref="Cancelled"/>, so the run stops after its current window and reports.
/// </summary>
internal sealed class ShutdownGuard : IDisposable
{
    private readonly Action _cleanup;
    private readonly ConsoleCancelEventHandler _onCancel;
    private readonly EventHandler _onExit;
    private readonly PosixSignalRegistration _onTerm;
    private readonly PosixSignalRegistration _onHup;
    private volatile bool _cancelled;
    private volatile bool _terminating;

    public ShutdownGuard(Action cleanup)
    {
        _cleanup = cleanup;
        _onCancel = (_, e) =>
        {
            e.Cancel = !_cancelled;
            _cancelled = true;
            if (!e.Cancel)
            {
                _cleanup();
            }
        };
        _onExit = (_, _) => _cleanup();
        Console.CancelKeyPress += _onCancel;
        AppDomain.CurrentDomain.ProcessExit += _onExit;
        // SIGTERM and SIGHUP: clean up, then let the signal end the process as usual.
        _onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Terminate);
        _onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Terminate);
    }

    /// <summary>True after the first Ctrl+C: finish the current window, then report.</summary>
    public bool Cancelled => _cancelled;

    /// <summary>True once a signal killed the servers under the measurement on purpose.</summary>
    public bool Terminating => _terminating;

    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancel;
        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        _onTerm.Dispose();
        _onHup.Dispose();
        _cleanup();
    }

    private void Terminate(PosixSignalContext context)
    {
        _terminating = true;
        _cleanup();
    }
}

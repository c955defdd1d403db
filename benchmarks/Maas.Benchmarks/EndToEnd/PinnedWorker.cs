namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// A thread pinned to one CPU that runs work handed to it, one item at a time, while the caller
/// waits. The in-process baseline runs here, on the server's engine CPU, so baseline and server
/// use the same core while the client keeps its own. Timing happens inside the work item, so the
/// hand-over is not measured.
/// </summary>
internal sealed class PinnedWorker : IDisposable
{
    private readonly Thread _thread;
    private readonly SemaphoreSlim _start = new(0);
    private readonly SemaphoreSlim _done = new(0);
    private Func<object?>? _work;
    private object? _result;
    private Exception? _error;
    private volatile bool _stopping;

    public PinnedWorker(int cpu, bool pin)
    {
        Cpu = cpu;
        _thread = new Thread(() => Loop(pin)) { IsBackground = true, Name = $"baseline@cpu{cpu}" };
        _thread.Start();
        // Wait for the pin to take effect before anything is measured.
        _done.Wait();
        if (_error is not null)
        {
            throw new InvalidOperationException($"Could not pin the baseline thread to CPU {cpu}.", _error);
        }
    }

    public int Cpu { get; }

    public T Run<T>(Func<T> work)
    {
        _work = () => work();
        _start.Release();
        _done.Wait();
        var error = _error;
        _error = null;
        if (error is not null)
        {
            throw new InvalidOperationException($"The baseline failed: {error.Message}", error);
        }

        return (T)_result!;
    }

    public void Dispose()
    {
        _stopping = true;
        _start.Release();
        _thread.Join();
        _start.Dispose();
        _done.Dispose();
    }

    private void Loop(bool pin)
    {
        if (pin && !CpuAffinity.PinCurrentThread(Cpu))
        {
            _error = new InvalidOperationException("taskset failed");
        }

        _done.Release();
        while (true)
        {
            _start.Wait();
            if (_stopping)
            {
                return;
            }

            try
            {
                _result = _work!();
            }
#pragma warning disable CA1031 // Any failure is handed back to the waiting caller and rethrown there.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _error = ex;
            }

            _done.Release();
        }
    }
}

namespace Maas.Core.Scheduling;

/// <summary>
/// Shares one disposable (a batch's response, whose buffers back every request's slice of the
/// outputs) between several owners: it is disposed when the last lease is.
/// </summary>
internal sealed class SharedOwner
{
    private readonly IDisposable _resource;
    private int _leases;

    public SharedOwner(IDisposable resource, int leases)
    {
        _resource = resource;
        _leases = leases;
    }

    /// <summary>One owner's share; disposing it twice releases only once.</summary>
    public IDisposable Lease() => new LeaseHandle(this);

    private void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0)
        {
            _resource.Dispose();
        }
    }

    private sealed class LeaseHandle(SharedOwner owner) : IDisposable
    {
        private SharedOwner? _owner = owner;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release();
    }
}

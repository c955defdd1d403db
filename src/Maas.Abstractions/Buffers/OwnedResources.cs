namespace Maas.Buffers;

/// <summary>
/// The resources (pooled buffers, native values) a request or response owns. Disposed together,
/// once, by the owner's Dispose. Not thread-safe: a request is built by one thread at a time.
/// </summary>
public sealed class OwnedResources : IDisposable
{
    private List<IDisposable>? _items;

    /// <summary>Takes ownership of <paramref name="resource"/>.</summary>
    public void Add(IDisposable resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        (_items ??= []).Add(resource);
    }

    /// <summary>Disposes everything taken, in the order taken. Idempotent.</summary>
    public void Dispose()
    {
        var items = _items;
        _items = null;
        if (items is null)
        {
            return;
        }

        foreach (var item in items)
        {
            item.Dispose();
        }
    }
}

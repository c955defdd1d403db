namespace Maas.Abstractions.Tests.Inference;

/// <summary>Counts how often it was disposed, to check that owners dispose exactly once.</summary>
internal sealed class CountingDisposable : IDisposable
{
    public int Count { get; private set; }

    public void Dispose() => Count++;
}

namespace Maas.Benchmarks.Micro;

/// <summary>Stands in for the pooled body buffer the parser takes ownership of: the benchmark keeps the body.</summary>
internal sealed class NoOwner : IDisposable
{
    public static readonly NoOwner Instance = new();

    public void Dispose()
    {
    }
}

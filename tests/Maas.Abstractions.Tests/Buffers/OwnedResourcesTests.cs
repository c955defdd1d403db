using Maas.Buffers;

namespace Maas.Abstractions.Tests.Buffers;

public class OwnedResourcesTests
{
    [Fact]
    public void Dispose_DisposesEveryResourceInTheOrderTaken()
    {
        var log = new List<string>();
        var owned = new OwnedResources();
        owned.Add(new LoggingDisposable("first", log));
        owned.Add(new LoggingDisposable("second", log));
        owned.Add(new LoggingDisposable("third", log));

        owned.Dispose();

        Assert.Equal(["first", "second", "third"], log);
    }

    [Fact]
    public void Dispose_IsIdempotent()
    {
        var log = new List<string>();
        var owned = new OwnedResources();
        owned.Add(new LoggingDisposable("only", log));

        owned.Dispose();
        owned.Dispose();

        Assert.Equal(["only"], log);
    }

    [Fact]
    public void Dispose_WhenNothingWasTaken_DoesNothing()
    {
        var owned = new OwnedResources();

        var error = Record.Exception(owned.Dispose);

        Assert.Null(error);
    }

    [Fact]
    public void Dispose_ReturnsPooledBuffers()
    {
        var owned = new OwnedResources();
        var buffer = new PooledBuffer(64);
        owned.Add(buffer);

        owned.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.Memory);
    }

    [Fact]
    public void Add_WhenNull_Throws()
    {
        var owned = new OwnedResources();

        Assert.Throws<ArgumentNullException>(() => owned.Add(null!));
    }

    private sealed class LoggingDisposable(string name, List<string> log) : IDisposable
    {
        public void Dispose() => log.Add(name);
    }
}

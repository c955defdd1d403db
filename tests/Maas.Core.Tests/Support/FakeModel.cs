using System.Collections.Concurrent;
using Maas.Models;

namespace Maas.Core.Tests.Support;

internal sealed class FakeModel(ModelMetadata metadata, Func<Exception>? createInstanceFailure) : IModel
{
    public ModelMetadata Metadata { get; } = metadata;

    public ConcurrentQueue<FakeInstance> Instances { get; } = new();

    public bool IsDisposed { get; private set; }

    public IModelInstance CreateInstance()
    {
        if (createInstanceFailure is not null)
        {
            throw createInstanceFailure();
        }

        var instance = new FakeInstance(Metadata);
        Instances.Enqueue(instance);
        return instance;
    }

    public void Dispose() => IsDisposed = true;
}

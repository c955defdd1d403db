using System.Collections.Concurrent;
using Maas.Errors;
using Maas.Models;

namespace Maas.Core.Tests.Support;

/// <summary>
/// A backend that loads only the model files it was told about (compared byte for byte), the way a
/// real engine rejects anything that is not a model it can parse. Anything else — random bytes, a
/// truncated file — fails with a <see cref="MaasError"/> naming the file, as the ONNX backend does.
/// </summary>
internal sealed class FakeBackend : IModelBackend
{
    private readonly List<(byte[] Bytes, ModelMetadata Metadata)> _known = [];

    public FakeBackend(string name = "fake", string modelFileName = "model.onnx")
    {
        Name = name;
        ModelFileName = modelFileName;
    }

    public string Name { get; }

    public string ModelFileName { get; }

    /// <summary>Every load attempt, in the order they happened.</summary>
    public ConcurrentQueue<ModelLoadContext> Loads { get; } = new();

    /// <summary>Every model this backend returned.</summary>
    public ConcurrentQueue<FakeModel> Models { get; } = new();

    /// <summary>When set, <see cref="IModel.CreateInstance"/> of every loaded model throws this.</summary>
    public Func<Exception>? CreateInstanceFailure { get; set; }

    /// <summary>When set, every load throws this (an engine bug rather than a MaasError).</summary>
    public Func<Exception>? LoadFailure { get; set; }

    public FakeBackend Knows(byte[] modelFile, ModelMetadata metadata)
    {
        _known.Add((modelFile, metadata));
        return this;
    }

    public IModel Load(ModelLoadContext context)
    {
        Loads.Enqueue(context);
        if (LoadFailure is not null)
        {
            throw LoadFailure();
        }

        var bytes = File.ReadAllBytes(context.ModelPath);
        foreach (var (known, metadata) in _known)
        {
            if (bytes.AsSpan().SequenceEqual(known))
            {
                var model = new FakeModel(metadata, CreateInstanceFailure);
                Models.Enqueue(model);
                return model;
            }
        }

        throw MaasError.InvalidArgument($"{Name} cannot load {context.ModelPath}: not a model file it can parse (corrupt or truncated).");
    }
}

using Maas.Models;
using Microsoft.ML.OnnxRuntime;
using ModelMetadata = Maas.Models.ModelMetadata;

namespace Maas.Backends.Onnx;

/// <summary>
/// A loaded ONNX model: its signature and the session created while loading. Owns that session
/// until <see cref="CreateInstance"/> hands it over; later instances each get their own session.
/// </summary>
internal sealed class OnnxModel : IModel
{
    private readonly ModelLoadContext _context;
    private InferenceSession? _firstSession;

    public OnnxModel(ModelLoadContext context, ModelMetadata metadata, InferenceSession session)
    {
        _context = context;
        Metadata = metadata;
        _firstSession = session;
    }

    public ModelMetadata Metadata { get; }

    public IModelInstance CreateInstance()
    {
        var session = Interlocked.Exchange(ref _firstSession, null) ?? OnnxSessionFactory.Create(_context.ModelPath, _context.Engine);
        return new OnnxInstance(_context.ModelName, session, Metadata);
    }

    public void Dispose() => Interlocked.Exchange(ref _firstSession, null)?.Dispose();
}

using Maas.Inference;
using Maas.Models;
using Maas.Tensors;

namespace Maas.Core.Tests.Support;

/// <summary>Answers every request with an empty tensor per requested output, and records what it ran.</summary>
internal sealed class FakeInstance(ModelMetadata metadata) : IModelInstance
{
    public int Runs { get; private set; }

    public IReadOnlyList<string>? LastOutputNames { get; private set; }

    public bool IsDisposed { get; private set; }

    public InferenceResponse Run(InferenceRequest request, IReadOnlyList<string> outputNames, string modelVersion, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Runs++;
        LastOutputNames = outputNames;
        var response = new InferenceResponse(request.ModelName, modelVersion);
        foreach (var name in outputNames)
        {
            var output = metadata.FindOutput(name)!;
            response.Outputs.Add(new Tensor(name, output.DataType, TensorShape.Of(0), ReadOnlyMemory<byte>.Empty));
        }

        return response;
    }

    public void Dispose() => IsDisposed = true;
}

namespace Maas.Models;

/// <summary>What a backend derives from a loaded model file: its platform and its signature.</summary>
/// <param name="Platform">The protocol's platform string, e.g. <c>onnxruntime_onnx</c>.</param>
/// <param name="Inputs">Inputs in the model's order.</param>
/// <param name="Outputs">Outputs in the model's order.</param>
public sealed record ModelMetadata(string Platform, IReadOnlyList<TensorMetadata> Inputs, IReadOnlyList<TensorMetadata> Outputs)
{
    /// <summary>The input called <paramref name="name"/>, or null.</summary>
    public TensorMetadata? FindInput(string name) => Find(Inputs, name);

    /// <summary>The output called <paramref name="name"/>, or null.</summary>
    public TensorMetadata? FindOutput(string name) => Find(Outputs, name);

    private static TensorMetadata? Find(IReadOnlyList<TensorMetadata> list, string name)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i].Name, name, StringComparison.Ordinal))
            {
                return list[i];
            }
        }

        return null;
    }
}

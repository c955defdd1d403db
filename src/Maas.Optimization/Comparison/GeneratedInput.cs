using Microsoft.ML.OnnxRuntime;

namespace Maas.Optimization.Comparison;

/// <summary>One input tensor both sessions read; owns its <see cref="OrtValue"/> (over a managed array it keeps alive).</summary>
internal sealed class GeneratedInput(string name, long[] shape, OrtValue value) : IDisposable
{
    public string Name { get; } = name;

    public long[] Shape { get; } = shape;

    public OrtValue Value { get; } = value;

    public void Dispose() => Value.Dispose();
}

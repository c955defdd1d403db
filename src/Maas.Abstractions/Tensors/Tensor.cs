namespace Maas.Tensors;

/// <summary>
/// A named tensor in canonical form: protocol datatype, concrete shape and raw bytes. Fixed-size
/// types are little-endian and densely packed in row-major order; <see cref="DataType.Bytes"/>
/// elements are each a 4-byte little-endian length followed by that many bytes (the layout of the
/// KServe binary tensor extension, so the binary path needs no conversion).
/// </summary>
/// <remarks>
/// A tensor does not own <see cref="Data"/>: the memory belongs to the <see cref="Inference.InferenceRequest"/>
/// or <see cref="Inference.InferenceResponse"/> that holds the tensor and is valid until that is disposed.
/// </remarks>
public sealed class Tensor
{
    /// <summary>Creates a tensor over memory owned by someone else (see remarks on the type).</summary>
    public Tensor(string name, DataType dataType, TensorShape shape, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        DataType = dataType;
        Shape = shape;
        Data = data;
    }

    /// <summary>The tensor's name, as the model calls it.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public DataType DataType { get; }

    /// <summary>The concrete shape.</summary>
    public TensorShape Shape { get; }

    /// <summary>The raw bytes (see the type's summary for the layout).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {DataType.WireName()} {Shape}";
}

namespace Maas.TestModels;

/// <summary>
/// A node attribute (kernel size, axis, transB, ...). Create one with the static factories.
/// </summary>
/// <remarks>
/// ONNX requires the <c>type</c> discriminator (field 20) to be set and to match the one value field
/// in use; each factory pairs them so a mismatch cannot be written.
/// </remarks>
public sealed class OnnxAttributeValue
{
    private const int TypeFloat = 1;
    private const int TypeInt = 2;
    private const int TypeString = 3;
    private const int TypeTensor = 4;
    private const int TypeFloats = 6;
    private const int TypeInts = 7;

    private readonly Action<ProtoWriter> _writeValue;

    private OnnxAttributeValue(string name, int type, Action<ProtoWriter> writeValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        AttributeType = type;
        _writeValue = writeValue;
    }

    /// <summary>The attribute's name as the operator defines it (e.g. <c>pads</c>).</summary>
    public string Name { get; }

    /// <summary>The ONNX <c>AttributeProto.AttributeType</c> number.</summary>
    public int AttributeType { get; }

    /// <summary>A single float (field f=2).</summary>
    public static OnnxAttributeValue Float(string name, float value) =>
        new(name, TypeFloat, w => w.WriteFloat(2, value));

    /// <summary>A single int64 (field i=3).</summary>
    public static OnnxAttributeValue Int(string name, long value) =>
        new(name, TypeInt, w => w.WriteInt64(3, value));

    /// <summary>A UTF-8 string (field s=4).</summary>
    public static OnnxAttributeValue String(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(name, TypeString, w => w.WriteString(4, value));
    }

    /// <summary>A tensor (field t=5), e.g. the <c>value</c> of a Constant node.</summary>
    public static OnnxAttributeValue Tensor(string name, OnnxTensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(name, TypeTensor, w => w.WriteMessage(5, value.WriteTo));
    }

    /// <summary>A list of floats (field floats=7).</summary>
    public static OnnxAttributeValue Floats(string name, params float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var copy = (float[])values.Clone();
        return new(name, TypeFloats, w => w.WritePackedFloat(7, copy));
    }

    /// <summary>A list of int64 (field ints=8), e.g. <c>pads</c> or <c>kernel_shape</c>.</summary>
    public static OnnxAttributeValue Ints(string name, params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var copy = (long[])values.Clone();
        return new(name, TypeInts, w => w.WritePackedInt64(8, copy));
    }

    /// <summary>Writes the AttributeProto fields (name=1, the value field, type=20).</summary>
    internal void WriteTo(ProtoWriter writer)
    {
        writer.WriteString(1, Name);
        _writeValue(writer);
        writer.WriteInt64(20, AttributeType);
    }
}

namespace Maas.Optimization.Onnx;

/// <summary>ONNX <c>AttributeProto.type</c> numbers: which value field of an attribute is in use.</summary>
public static class OnnxAttributeType
{
    /// <summary>One float (<c>f</c>).</summary>
    public const int Float = 1;

    /// <summary>One int64 (<c>i</c>).</summary>
    public const int Int = 2;

    /// <summary>One byte string (<c>s</c>).</summary>
    public const int String = 3;

    /// <summary>One tensor (<c>t</c>).</summary>
    public const int Tensor = 4;

    /// <summary>One graph (<c>g</c>).</summary>
    public const int Graph = 5;

    /// <summary>A list of floats (<c>floats</c>).</summary>
    public const int Floats = 6;

    /// <summary>A list of int64 (<c>ints</c>).</summary>
    public const int Ints = 7;

    /// <summary>A list of byte strings (<c>strings</c>).</summary>
    public const int Strings = 8;
}

using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Onnx;

/// <summary>Typed access to a node's attributes, with the operator's defaults.</summary>
internal static class NodeAttributes
{
    /// <summary>The attribute called <paramref name="name"/>, or null.</summary>
    public static AttributeProto? Find(NodeProto node, string name)
    {
        foreach (var attribute in node.Attribute)
        {
            if (attribute.Name == name)
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>An int attribute, or <paramref name="fallback"/> when absent.</summary>
    public static long Int(NodeProto node, string name, long fallback) => Find(node, name) is { } a ? a.I : fallback;

    /// <summary>A float attribute, or <paramref name="fallback"/> when absent.</summary>
    public static float Float(NodeProto node, string name, float fallback) => Find(node, name) is { } a ? a.F : fallback;

    /// <summary>A string attribute, or <paramref name="fallback"/> when absent.</summary>
    public static string String(NodeProto node, string name, string fallback) => Find(node, name) is { } a ? a.S.ToStringUtf8() : fallback;

    /// <summary>An ints attribute, or null when absent.</summary>
    public static long[]? Ints(NodeProto node, string name) => Find(node, name) is { } a ? [.. a.Ints] : null;

    /// <summary>A tensor attribute, or null when absent.</summary>
    public static TensorProto? Tensor(NodeProto node, string name) => Find(node, name)?.T;

    /// <summary>The node's input at <paramref name="index"/>, or "" when absent or omitted.</summary>
    public static string Input(NodeProto node, int index) => index < node.Input.Count ? node.Input[index] : string.Empty;

    /// <summary>The name to show for a node: its name, or its op type and first output.</summary>
    public static string DisplayName(NodeProto node) =>
        !string.IsNullOrEmpty(node.Name) ? node.Name : $"{node.OpType}({(node.Output.Count > 0 ? node.Output[0] : "?")})";
}

using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Shapes;

/// <summary>Matrix products: MatMul (numpy semantics), Gemm, and their quantized forms.</summary>
internal sealed partial class ShapeInference
{
    /// <summary>The output shape of numpy-style matmul, or null when a rank is unknown.</summary>
    public static long[]? MatMulShape(long[]? a, long[]? b)
    {
        if (a is null || b is null || a.Length == 0 || b.Length == 0)
        {
            return null;
        }

        // 1-D operands are promoted to matrices and the added axis removed afterwards.
        var left = a.Length == 1 ? [1, a[0]] : a;
        var right = b.Length == 1 ? [b[0], 1] : b;
        var batch = Broadcast(left[..^2], right[..^2]);
        var m = left[^2];
        var n = right[^1];
        var result = new List<long>(batch);
        if (a.Length > 1)
        {
            result.Add(m);
        }

        if (b.Length > 1)
        {
            result.Add(n);
        }

        return [.. result];
    }

    private bool TryMatrix(NodeProto node)
    {
        switch (node.OpType)
        {
            case "MatMul":
            case "FusedMatMul":
                Set(node, 0, ElementType(node, 0), MatMulShape(Shape(node, 0), Shape(node, 1)));
                return true;
            case "MatMulInteger":
                Set(node, 0, OnnxDataType.Int32, MatMulShape(Shape(node, 0), Shape(node, 1)));
                return true;
            case "MatMulNBits":
                {
                    var a = Shape(node, 0);
                    var n = NodeAttributes.Int(node, "N", -1);
                    Set(node, 0, ElementType(node, 0), a is null ? null : [.. a[..^1], n]);
                    return true;
                }

            case "Gemm":
                {
                    var a = Shape(node, 0);
                    var b = Shape(node, 1);
                    long[]? shape = null;
                    if (a is { Length: 2 } && b is { Length: 2 })
                    {
                        var m = NodeAttributes.Int(node, "transA", 0) != 0 ? a[1] : a[0];
                        var n = NodeAttributes.Int(node, "transB", 0) != 0 ? b[0] : b[1];
                        shape = [m, n];
                    }

                    Set(node, 0, ElementType(node, 0), shape);
                    return true;
                }

            default:
                return false;
        }
    }
}

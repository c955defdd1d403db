using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Shapes;

/// <summary>Elementwise operators: same shape as the input, or numpy broadcasting of several inputs.</summary>
internal sealed partial class ShapeInference
{
    private static readonly HashSet<string> SameShapeOps = new(StringComparer.Ordinal)
    {
        "Identity", "Relu", "Erf", "Tanh", "Sqrt", "Sigmoid", "Exp", "Log", "Neg", "Abs", "LeakyRelu",
        "Elu", "Selu", "HardSigmoid", "HardSwish", "Clip", "Softmax", "LogSoftmax", "Gelu", "FastGelu",
        "Floor", "Ceil", "Round", "Reciprocal", "Sin", "Cos", "Softplus", "Softsign", "Mish", "LRN",
        "InstanceNormalization", "BatchNormalization", "LayerNormalization", "Dropout", "ThresholdedRelu",
        "Celu", "Sign", "Hardmax", "SkipLayerNormalization", "BiasGelu", "QuickGelu",
    };

    private static readonly HashSet<string> BroadcastOps = new(StringComparer.Ordinal)
    {
        "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "Mod", "PRelu", "BitShift",
        "And", "Or", "Xor", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Where",
    };

    private static readonly HashSet<string> BooleanOps = new(StringComparer.Ordinal)
    {
        "And", "Or", "Xor", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "IsNaN", "IsInf",
    };

    /// <summary>True for the elementwise operators this class follows (their cost is per element).</summary>
    public static bool IsElementwise(string opType) => SameShapeOps.Contains(opType) || BroadcastOps.Contains(opType);

    /// <summary>numpy broadcasting of two shapes; unknown dims (-1) stay unknown unless the other side fixes them.</summary>
    public static long[] Broadcast(long[] a, long[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var result = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            var x = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            var y = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (x == 1)
            {
                result[i] = y;
            }
            else if (y == 1)
            {
                result[i] = x;
            }
            else if (x < 0 || y < 0)
            {
                result[i] = Math.Max(x, y) > 1 ? Math.Max(x, y) : -1;
            }
            else if (x == y)
            {
                result[i] = x;
            }
            else
            {
                throw new ArgumentException($"shapes {TensorInfo.Format(a)} and {TensorInfo.Format(b)} do not broadcast");
            }
        }

        return result;
    }

    private bool TryElementwise(NodeProto node)
    {
        var op = node.OpType;
        if (op is "Not" or "IsNaN" or "IsInf")
        {
            Set(node, 0, OnnxDataType.Bool, Shape(node, 0));
            return true;
        }

        if (SameShapeOps.Contains(op))
        {
            Set(node, 0, ElementType(node, 0), Shape(node, 0), op == "Identity" ? Constant(node, 0) : null);
            if (op == "Dropout")
            {
                Set(node, 1, OnnxDataType.Bool, Shape(node, 0));
            }

            return true;
        }

        switch (op)
        {
            case "Cast":
                Set(node, 0, (int)NodeAttributes.Int(node, "to", OnnxDataType.Undefined), Shape(node, 0), Constant(node, 0));
                return true;
            case "CastLike":
                Set(node, 0, ElementType(node, 1), Shape(node, 0), Constant(node, 0));
                return true;
            case "DequantizeLinear":
                Set(node, 0, OnnxDataType.Float, Shape(node, 0));
                return true;
            case "QuantizeLinear":
                Set(node, 0, Info(node, 2) is { } zeroPoint ? zeroPoint.ElementType : OnnxDataType.UInt8, Shape(node, 0));
                return true;
            case "DynamicQuantizeLinear":
                Set(node, 0, OnnxDataType.UInt8, Shape(node, 0));
                Set(node, 1, OnnxDataType.Float, []);
                Set(node, 2, OnnxDataType.UInt8, []);
                return true;
        }

        if (!BroadcastOps.Contains(op))
        {
            return false;
        }

        long[]? shape = null;
        var known = true;
        for (var i = 0; i < node.Input.Count; i++)
        {
            var inputShape = Shape(node, i);
            if (inputShape is null)
            {
                known = false;
                break;
            }

            shape = shape is null ? inputShape : Broadcast(shape, inputShape);
        }

        var elementType = BooleanOps.Contains(op) ? OnnxDataType.Bool : ElementType(node, op == "Where" ? 1 : 0);
        Set(node, 0, elementType, known ? shape : null, known ? EvaluateBinary(node, shape) : null);
        return true;
    }

    /// <summary>Evaluates integer arithmetic on small constants (shape computations).</summary>
    private long[]? EvaluateBinary(NodeProto node, long[]? shape)
    {
        if (shape is null || shape.Length > 1 || node.Input.Count < 2)
        {
            return null;
        }

        var count = TensorInfo.ElementsOf(shape);
        if (count < 0 || count > MaxConstantElements)
        {
            return null;
        }

        var inputs = new long[node.Input.Count][];
        for (var i = 0; i < inputs.Length; i++)
        {
            if (Constant(node, i) is not { } value || (value.Length != 1 && value.Length != count))
            {
                return null;
            }

            inputs[i] = value;
        }

        var result = new long[count];
        for (var e = 0; e < count; e++)
        {
            long At(int input) => inputs[input].Length == 1 ? inputs[input][0] : inputs[input][e];
            long? value = node.OpType switch
            {
                "Add" => At(0) + At(1),
                "Sub" => At(0) - At(1),
                "Mul" => At(0) * At(1),
                "Div" when At(1) != 0 => At(0) / At(1),
                "Max" => Math.Max(At(0), At(1)),
                "Min" => Math.Min(At(0), At(1)),
                "Equal" => At(0) == At(1) ? 1 : 0,
                "Less" => At(0) < At(1) ? 1 : 0,
                "Greater" => At(0) > At(1) ? 1 : 0,
                "Where" when inputs.Length == 3 => At(0) != 0 ? At(1) : At(2),
                _ => null,
            };
            if (value is null)
            {
                return null;
            }

            result[e] = value.Value;
        }

        return result;
    }
}

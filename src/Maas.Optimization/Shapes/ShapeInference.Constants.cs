using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Shapes;

/// <summary>Operators whose outputs are fixed at load time: Constant, ConstantOfShape, Range.</summary>
internal sealed partial class ShapeInference
{
    private bool TryConstant(NodeProto node)
    {
        switch (node.OpType)
        {
            case "Constant":
                InferConstant(node);
                return true;
            case "ConstantOfShape":
                {
                    var value = NodeAttributes.Tensor(node, "value");
                    var type = value?.DataType ?? OnnxDataType.Float;
                    var shape = Constant(node, 0);
                    long[]? constant = null;
                    if (shape is not null && value is not null && TensorData.ReadIntegers(value) is [var fill])
                    {
                        var count = TensorInfo.ElementsOf(shape);
                        constant = count is >= 0 and <= MaxConstantElements ? Enumerable.Repeat(fill, (int)count).ToArray() : null;
                    }

                    Set(node, 0, type, shape ?? (Shape(node, 0) is [var rank] && rank >= 0 ? Enumerable.Repeat(-1L, (int)rank).ToArray() : null), constant);
                    return true;
                }

            case "Range":
                {
                    long[]? shape = [-1];
                    if (Constant(node, 0) is [var start] && Constant(node, 1) is [var limit] && Constant(node, 2) is [var delta] && delta != 0)
                    {
                        shape = [Math.Max(0, (long)Math.Ceiling((limit - start) / (double)delta))];
                    }

                    Set(node, 0, ElementType(node, 0), shape);
                    return true;
                }

            default:
                return false;
        }
    }

    private void InferConstant(NodeProto node)
    {
        if (NodeAttributes.Tensor(node, "value") is { } tensor)
        {
            Set(node, 0, tensor.DataType, [.. tensor.Dims], TensorData.ElementCount(tensor) <= MaxConstantElements ? TensorData.ReadIntegers(tensor) : null);
        }
        else if (NodeAttributes.Find(node, "value_int") is { } single)
        {
            Set(node, 0, OnnxDataType.Int64, [], [single.I]);
        }
        else if (NodeAttributes.Find(node, "value_ints") is { } list)
        {
            Set(node, 0, OnnxDataType.Int64, [list.Ints.Count], [.. list.Ints]);
        }
        else if (NodeAttributes.Find(node, "value_float") is not null)
        {
            Set(node, 0, OnnxDataType.Float, []);
        }
        else if (NodeAttributes.Find(node, "value_floats") is { } floats)
        {
            Set(node, 0, OnnxDataType.Float, [floats.Floats.Count]);
        }
        else
        {
            Set(node, 0, OnnxDataType.Undefined, null);
        }
    }
}

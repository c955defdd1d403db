using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Shapes;

/// <summary>Operators that move, select or reduce elements: Reshape, Transpose, Gather, Slice, reductions, ...</summary>
internal sealed partial class ShapeInference
{
    private bool TryTensor(NodeProto node)
    {
        var x = Shape(node, 0);
        var type = ElementType(node, 0);
        switch (node.OpType)
        {
            case "Shape":
                InferShapeOp(node, x);
                return true;
            case "Size":
                Set(node, 0, OnnxDataType.Int64, [], TensorInfo.ElementsOf(x) is var n and >= 0 ? [n] : null);
                return true;
            case "Reshape":
                Set(node, 0, type, ReshapeTarget(node, x), Constant(node, 0));
                return true;
            case "Flatten":
                {
                    if (x is null)
                    {
                        Set(node, 0, type, null);
                        return true;
                    }

                    var axis = (int)NodeAttributes.Int(node, "axis", 1);
                    axis = axis < 0 ? axis + x.Length : axis;
                    Set(node, 0, type, [Product(x[..axis]), Product(x[axis..])], Constant(node, 0));
                    return true;
                }

            case "Transpose":
                {
                    if (x is null)
                    {
                        Set(node, 0, type, null);
                        return true;
                    }

                    var perm = NodeAttributes.Ints(node, "perm") ?? Enumerable.Range(0, x.Length).Reverse().Select(i => (long)i).ToArray();
                    Set(node, 0, type, Array.ConvertAll(perm, p => x[p]));
                    return true;
                }

            case "Unsqueeze":
                InferUnsqueeze(node, x, type);
                return true;
            case "Squeeze":
                InferSqueeze(node, x, type);
                return true;
            case "Concat":
                InferConcat(node, type);
                return true;
            case "Gather":
                InferGather(node, x, type);
                return true;
            case "Slice":
                InferSlice(node, x, type);
                return true;
            case "Expand":
                Set(node, 0, type, x is not null && Constant(node, 1) is { } target ? Broadcast(x, target) : null);
                return true;
            case "Tile":
                Set(node, 0, type, x is not null && Constant(node, 1) is { } repeats ? x.Select((d, i) => d < 0 ? -1 : d * repeats[i]).ToArray() : null);
                return true;
            case "Pad":
                InferPad(node, x, type);
                return true;
            case "Split":
                InferSplit(node, x, type);
                return true;
            case "ArgMax":
            case "ArgMin":
                {
                    var keep = NodeAttributes.Int(node, "keepdims", 1) != 0;
                    Set(node, 0, OnnxDataType.Int64, x is null ? null : Reduce(x, [NodeAttributes.Int(node, "axis", 0)], keep));
                    return true;
                }

            default:
                if (node.OpType.StartsWith("Reduce", StringComparison.Ordinal))
                {
                    InferReduce(node, x, type);
                    return true;
                }

                return false;
        }
    }

    private void InferShapeOp(NodeProto node, long[]? x)
    {
        if (x is null)
        {
            Set(node, 0, OnnxDataType.Int64, null);
            return;
        }

        var start = (int)NodeAttributes.Int(node, "start", 0);
        var end = (int)NodeAttributes.Int(node, "end", x.Length);
        start = Math.Clamp(start < 0 ? start + x.Length : start, 0, x.Length);
        end = Math.Clamp(end < 0 ? end + x.Length : end, 0, x.Length);
        var dims = x[start..Math.Max(start, end)];
        Set(node, 0, OnnxDataType.Int64, [dims.Length], Array.TrueForAll(dims, d => d >= 0) ? dims : null);
    }

    private long[]? ReshapeTarget(NodeProto node, long[]? x)
    {
        var target = Constant(node, 1) ?? NodeAttributes.Ints(node, "shape");
        if (target is null)
        {
            return Shape(node, 1) is [var rank] && rank >= 0 ? Enumerable.Repeat(-1L, (int)rank).ToArray() : null;
        }

        var allowZero = NodeAttributes.Int(node, "allowzero", 0) != 0;
        var result = new long[target.Length];
        var inferred = -1;
        long known = 1;
        for (var i = 0; i < target.Length; i++)
        {
            var dim = target[i];
            if (dim == 0 && !allowZero)
            {
                dim = x is not null && i < x.Length ? x[i] : -1;
            }

            if (target[i] == -1)
            {
                inferred = i;
                result[i] = -1;
                continue;
            }

            result[i] = dim;
            known = dim < 0 || known < 0 ? -1 : known * dim;
        }

        var total = TensorInfo.ElementsOf(x);
        if (inferred >= 0 && total >= 0 && known > 0)
        {
            result[inferred] = total / known;
        }

        return result;
    }

    private void InferUnsqueeze(NodeProto node, long[]? x, int type)
    {
        var axes = NodeAttributes.Ints(node, "axes") ?? Constant(node, 1);
        if (x is null || axes is null)
        {
            Set(node, 0, type, null);
            return;
        }

        var rank = x.Length + axes.Length;
        var normalized = new HashSet<int>(axes.Select(a => Axis(a, rank)));
        var result = new long[rank];
        var source = 0;
        for (var i = 0; i < rank; i++)
        {
            result[i] = normalized.Contains(i) ? 1 : x[source++];
        }

        Set(node, 0, type, result, Constant(node, 0));
    }

    private void InferSqueeze(NodeProto node, long[]? x, int type)
    {
        var axes = NodeAttributes.Ints(node, "axes") ?? Constant(node, 1);
        if (x is null)
        {
            Set(node, 0, type, null);
            return;
        }

        var squeezed = axes is null
            ? new HashSet<int>(Enumerable.Range(0, x.Length).Where(i => x[i] == 1))
            : new HashSet<int>(axes.Select(a => Axis(a, x.Length)));
        Set(node, 0, type, x.Where((_, i) => !squeezed.Contains(i)).ToArray(), Constant(node, 0));
    }

    private void InferConcat(NodeProto node, int type)
    {
        long[]? result = null;
        var values = new List<long>();
        var allConstant = true;
        for (var i = 0; i < node.Input.Count; i++)
        {
            var shape = Shape(node, i);
            if (shape is null)
            {
                Set(node, 0, type, null);
                return;
            }

            var axis = Axis(NodeAttributes.Int(node, "axis", 0), shape.Length);
            if (result is null)
            {
                result = (long[])shape.Clone();
            }
            else
            {
                result[axis] = result[axis] < 0 || shape[axis] < 0 ? -1 : result[axis] + shape[axis];
            }

            if (Constant(node, i) is { } constant)
            {
                values.AddRange(constant);
            }
            else
            {
                allConstant = false;
            }
        }

        Set(node, 0, type, result, allConstant && result is { Length: 1 } ? [.. values] : null);
    }

    private void InferGather(NodeProto node, long[]? x, int type)
    {
        var indices = Shape(node, 1);
        if (x is null || indices is null)
        {
            Set(node, 0, type, null);
            return;
        }

        var axis = Axis(NodeAttributes.Int(node, "axis", 0), x.Length);
        long[] shape = [.. x[..axis], .. indices, .. x[(axis + 1)..]];
        long[]? constant = null;
        if (x.Length == 1 && Constant(node, 0) is { } data && Constant(node, 1) is { } index)
        {
            constant = Array.ConvertAll(index, i => data[i < 0 ? i + data.Length : i]);
        }

        Set(node, 0, type, shape, constant);
    }

    private void InferSlice(NodeProto node, long[]? x, int type)
    {
        long[]? starts, ends, axes, steps;
        if (_opset < 10)
        {
            starts = NodeAttributes.Ints(node, "starts");
            ends = NodeAttributes.Ints(node, "ends");
            axes = NodeAttributes.Ints(node, "axes");
            steps = null;
        }
        else
        {
            starts = Constant(node, 1);
            ends = Constant(node, 2);
            axes = NodeAttributes.Input(node, 3).Length > 0 ? Constant(node, 3) : null;
            steps = NodeAttributes.Input(node, 4).Length > 0 ? Constant(node, 4) : null;
            if ((NodeAttributes.Input(node, 3).Length > 0 && axes is null) || (NodeAttributes.Input(node, 4).Length > 0 && steps is null))
            {
                starts = null;
            }
        }

        if (x is null || starts is null || ends is null)
        {
            Set(node, 0, type, x is null ? null : Enumerable.Repeat(-1L, x.Length).ToArray());
            return;
        }

        var result = (long[])x.Clone();
        var ranges = new (long Start, long Step)[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            ranges[i] = (0, 1);
        }

        for (var i = 0; i < starts.Length; i++)
        {
            var axis = Axis(axes?[i] ?? i, x.Length);
            var step = steps?[i] ?? 1;
            var dim = x[axis];
            if (dim < 0)
            {
                result[axis] = -1;
                continue;
            }

            long start = starts[i], end = ends[i];
            start = start < 0 ? start + dim : start;
            end = end < 0 ? end + dim : end;
            if (step > 0)
            {
                start = Math.Clamp(start, 0, dim);
                end = Math.Clamp(end, 0, dim);
                result[axis] = Math.Max(0, (end - start + step - 1) / step);
            }
            else
            {
                start = Math.Clamp(start, 0, dim - 1);
                end = Math.Clamp(end, -1, dim - 1);
                result[axis] = Math.Max(0, (start - end + (-step) - 1) / -step);
            }

            ranges[axis] = (start, step);
        }

        long[]? constant = null;
        if (x.Length == 1 && Constant(node, 0) is { } data)
        {
            constant = new long[result[0]];
            for (var i = 0; i < constant.Length; i++)
            {
                constant[i] = data[ranges[0].Start + (i * ranges[0].Step)];
            }
        }

        Set(node, 0, type, result, constant);
    }

    private void InferPad(NodeProto node, long[]? x, int type)
    {
        var pads = NodeAttributes.Ints(node, "pads") ?? Constant(node, 1);
        if (x is null || pads is null || pads.Length != x.Length * 2)
        {
            Set(node, 0, type, x is null ? null : Enumerable.Repeat(-1L, x.Length).ToArray());
            return;
        }

        Set(node, 0, type, x.Select((d, i) => d < 0 ? -1 : d + pads[i] + pads[i + x.Length]).ToArray());
    }

    private void InferSplit(NodeProto node, long[]? x, int type)
    {
        if (x is null)
        {
            return;
        }

        var axis = Axis(NodeAttributes.Int(node, "axis", 0), x.Length);
        var sizes = NodeAttributes.Ints(node, "split") ?? (NodeAttributes.Input(node, 1).Length > 0 ? Constant(node, 1) : null);
        for (var i = 0; i < node.Output.Count; i++)
        {
            var shape = (long[])x.Clone();
            shape[axis] = sizes is not null ? sizes[i] : x[axis] < 0 ? -1 : x[axis] / node.Output.Count;
            Set(node, i, type, shape);
        }
    }

    private void InferReduce(NodeProto node, long[]? x, int type)
    {
        var keep = NodeAttributes.Int(node, "keepdims", 1) != 0;
        var axes = NodeAttributes.Ints(node, "axes") ?? (NodeAttributes.Input(node, 1).Length > 0 ? Constant(node, 1) : null);
        if (x is null || (axes is null && NodeAttributes.Input(node, 1).Length > 0))
        {
            Set(node, 0, type, null);
            return;
        }

        if (axes is null || axes.Length == 0)
        {
            axes = NodeAttributes.Int(node, "noop_with_empty_axes", 0) != 0 ? [] : Enumerable.Range(0, x.Length).Select(i => (long)i).ToArray();
        }

        Set(node, 0, type, Reduce(x, axes, keep));
    }

    private static long[] Reduce(long[] x, long[] axes, bool keepDims)
    {
        var reduced = new HashSet<int>(axes.Select(a => Axis(a, x.Length)));
        var result = new List<long>();
        for (var i = 0; i < x.Length; i++)
        {
            if (!reduced.Contains(i))
            {
                result.Add(x[i]);
            }
            else if (keepDims)
            {
                result.Add(1);
            }
        }

        return [.. result];
    }

    private static long Product(long[] dims) => TensorInfo.ElementsOf(dims);
}

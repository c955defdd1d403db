using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Pruning;

/// <summary>The walk from a pruned layer's output to the layers that must shrink with it.</summary>
internal sealed partial class StructuredPruningPass
{
    /// <summary>An initializer to slice once the walk succeeds: node input, axis of the tensor, why.</summary>
    private readonly record struct SliceAction(NodeProto Node, int Input, int Axis, string Role);

    /// <summary>
    /// Follows the values that carry the pruned channels (each with the axis they sit on) through
    /// element-wise operators, pooling and Flatten to the consumers whose weights can lose the
    /// matching inputs: Conv (group 1) input channels, MatMul rows, Gemm K. Anything else on the
    /// way (a graph output, a Reshape into attention heads, a residual Add, a normalization over
    /// the channels) stops it, and the producer is left alone.
    /// </summary>
    private sealed class RegionWalk(StructuredPruningPass pass, int channels)
    {
        private static readonly HashSet<string> Unary = new(StringComparer.Ordinal)
        {
            "Relu", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Erf", "Gelu", "Elu", "Selu", "Celu",
            "Softplus", "Softsign", "Mish", "Identity", "Neg", "Abs", "Sqrt", "Exp", "Dropout", "Clip",
        };

        private static readonly HashSet<string> Binary = new(StringComparer.Ordinal) { "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min" };

        private static readonly HashSet<string> Pools = new(StringComparer.Ordinal)
        {
            "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LpPool", "GlobalLpPool",
        };

        private readonly Dictionary<string, int> _values = new(StringComparer.Ordinal);
        private readonly HashSet<NodeProto> _visited = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<NodeProto, string> _pending = new(ReferenceEqualityComparer.Instance);

        public List<SliceAction> Actions { get; } = [];

        public IEnumerable<string> Values => _values.Keys;

        /// <summary>Walks from <paramref name="value"/> with channels on <paramref name="axis"/>; null when every path ends well, else why not.</summary>
        public string? Visit(string value, int axis)
        {
            if (_values.TryGetValue(value, out var known))
            {
                return known == axis ? null : $"'{value}' carries the channels on two different axes";
            }

            _values[value] = axis;
            if (pass._graphOutputs.Contains(value))
            {
                return $"its output reaches the graph output '{value}', whose shape must not change";
            }

            foreach (var node in pass._model.Graph.Node)
            {
                for (var input = 0; input < node.Input.Count; input++)
                {
                    if (node.Input[input] == value && Reader(node, input, axis) is { } blocked)
                    {
                        return blocked;
                    }
                }
            }

            return null;
        }

        private string? Reader(NodeProto node, int input, int axis)
        {
            var display = $"{NodeAttributes.DisplayName(node)} ({node.OpType})";
            var rank = Rank(node.Input[input]);
            if (!string.IsNullOrEmpty(node.Domain))
            {
                return $"its output reaches {display}, an operator of domain {node.Domain}";
            }

            switch (node.OpType)
            {
                case "Conv" when input == 0:
                    return Consumer(node, axis == 1 && NodeAttributes.Int(node, "group", 1) == 1, 1, display, "a Conv reads channels on axis 1, with group=1");
                case "MatMul" when input == 0:
                    return Consumer(node, axis == rank - 1 && Weight2D(node), 0, display, "a MatMul reads them on its last axis with a stored 2-D weight");
                case "Gemm" when input == 0:
                    var transB = NodeAttributes.Int(node, "transB", 0) != 0;
                    return Consumer(node, axis == 1 && NodeAttributes.Int(node, "transA", 0) == 0 && Weight2D(node), transB ? 1 : 0, display, "a Gemm reads them on axis 1 with transA=0 and a stored weight");
                case "BatchNormalization" when input == 0 && axis == 1:
                    if (!_visited.Add(node))
                    {
                        return null;
                    }

                    for (var i = 1; i <= 4; i++)
                    {
                        if (pass._editor.Initializer(NodeAttributes.Input(node, i)) is not { DataType: OnnxDataType.Float })
                        {
                            return $"its output reaches {display}, whose statistics are not stored float tensors";
                        }

                        Actions.Add(new SliceAction(node, i, 0, "normalization"));
                    }

                    return Visit(node.Output[0], 1);
                case "Flatten" when input == 0:
                    var shape = pass._shapes.Find(node.Input[0])?.Shape;
                    var flattenAxis = NodeAttributes.Int(node, "axis", 1);
                    if (axis != 1 || flattenAxis != 1 || shape is null || shape.Skip(2).Any(d => d != 1))
                    {
                        return $"its output reaches {display}, which mixes the channels with other axes (only [N, C, 1, 1] → [N, C] is followed)";
                    }

                    return _visited.Add(node) ? Visit(node.Output[0], 1) : null;
                default:
                    break;
            }

            if (Pools.Contains(node.OpType) && input == 0)
            {
                return axis == 1 && _visited.Add(node) ? Visit(node.Output[0], 1) : axis == 1 ? null : $"its output reaches {display} on an axis other than the channel axis";
            }

            if (Unary.Contains(node.OpType) && input == 0)
            {
                if (!_visited.Add(node))
                {
                    return null;
                }

                for (var i = 1; i < node.Input.Count; i++)
                {
                    if (Other(node, i, axis, rank, display) is { } blocked)
                    {
                        return blocked;
                    }
                }

                return Visit(node.Output[0], axis);
            }

            if (Binary.Contains(node.OpType))
            {
                if (_visited.Contains(node))
                {
                    return null;
                }

                var other = 1 - input;
                if (IsRunTimeWithChannels(node.Input[other], axis, rank))
                {
                    // x * f(x) (GELU, Swish): the other operand may join the region later through
                    // another path. Decided in Finish when it never does.
                    _pending[node] = display;
                    return null;
                }

                if (Other(node, other, axis, rank, display) is { } blocked)
                {
                    return blocked;
                }

                _visited.Add(node);
                _pending.Remove(node);

                var outputRank = Rank(node.Output[0]);
                return outputRank < 0 ? $"the rank of {display}'s output is not known" : Visit(node.Output[0], axis + (outputRank - rank));
            }

            return node.OpType == "Shape"
                ? $"its shape is read at run time by {display}, usually to reshape it into attention heads: its width must not change"
                : $"its output reaches {display}, which cannot be shrunk along the channel axis";
        }

        /// <summary>After <see cref="Visit"/>: null when no element-wise node was left waiting for an operand outside the region.</summary>
        public string? Finish()
        {
            foreach (var (node, display) in _pending)
            {
                var outside = node.Input.First(i => !_values.ContainsKey(i));
                return $"{display} combines the channels with '{outside}', computed elsewhere with all {channels} of them (a residual connection?)";
            }

            return null;
        }

        private bool IsRunTimeWithChannels(string name, int axis, int rank)
        {
            if (_values.ContainsKey(name) || pass._editor.Initializer(name) is not null || pass._shapes.Find(name)?.Shape is not { } dims)
            {
                return false;
            }

            var aligned = axis - (rank - dims.Length);
            return aligned >= 0 && dims[aligned] != 1;
        }

        /// <summary>A consumer whose weight loses the pruned channels as inputs along <paramref name="weightAxis"/>.</summary>
        private string? Consumer(NodeProto node, bool fits, int weightAxis, string display, string rule)
        {
            if (!fits)
            {
                return $"its output feeds {display} in a way that cannot be shrunk ({rule})";
            }

            if (pass._editor.Initializer(node.Input[1]) is not { DataType: OnnxDataType.Float } weight || ExternalData.IsExternal(weight))
            {
                return $"its output feeds {display}, whose weight is not a stored float tensor";
            }

            if (weight.Dims[weightAxis] != channels)
            {
                return $"its output feeds {display}, whose weight has {weight.Dims[weightAxis]} inputs, not {channels}";
            }

            Actions.Add(new SliceAction(node, 1, weightAxis, "input channels"));
            return null;
        }

        /// <summary>
        /// The other operand of an element-wise node: another region value, or something that
        /// broadcasts over the channel axis (a scalar, or a constant with a dimension of 1 or of
        /// the channel count there, which is then sliced too).
        /// </summary>
        private string? Other(NodeProto node, int input, int axis, int rank, string display)
        {
            var name = NodeAttributes.Input(node, input);
            if (name.Length == 0)
            {
                return null;
            }

            if (_values.TryGetValue(name, out var otherAxis))
            {
                return otherAxis - Rank(name) == axis - rank ? null : $"{display} combines the channels on different axes";
            }

            var dims = pass._editor.Initializer(name) is { } constant ? [.. constant.Dims] : pass._shapes.Find(name)?.Shape;
            if (dims is null)
            {
                return $"{display} combines the channels with '{name}', whose shape is not known";
            }

            var aligned = axis - (rank - dims.Length);
            if (aligned < 0 || dims[aligned] == 1)
            {
                return null;
            }

            if (dims[aligned] == channels && pass._editor.Initializer(name) is { DataType: OnnxDataType.Float })
            {
                Actions.Add(new SliceAction(node, input, aligned, "element-wise constant"));
                return null;
            }

            return $"{display} combines the channels with '{name}', computed elsewhere with all {channels} of them (a residual connection?)";
        }

        private bool Weight2D(NodeProto node) => pass._editor.Initializer(NodeAttributes.Input(node, 1)) is { Dims.Count: 2 };

        private int Rank(string value) => pass._shapes.Find(value)?.Rank ?? -1;
    }
}

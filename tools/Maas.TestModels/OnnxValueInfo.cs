namespace Maas.TestModels;

/// <summary>A graph input or output: name, element type and shape (a <c>ValueInfoProto</c>).</summary>
internal sealed record OnnxValueInfo(string Name, int ElementType, OnnxDim[] Dims)
{
    /// <summary>
    /// Writes ValueInfoProto{name=1, type=2: TypeProto{tensor_type=1: Tensor{elem_type=1, shape=2}}}.
    /// </summary>
    /// <remarks>The shape is always written, so an empty <see cref="Dims"/> means a scalar, not "unknown rank".
    /// A default <see cref="OnnxDim"/> is written as a dimension with neither value nor name (unknown).</remarks>
    public void WriteTo(ProtoWriter writer)
    {
        writer.WriteString(1, Name);
        writer.WriteMessage(2, type => type.WriteMessage(1, tensor =>
        {
            tensor.WriteInt64(1, ElementType);
            tensor.WriteMessage(2, shape =>
            {
                foreach (var dim in Dims)
                {
                    shape.WriteMessage(1, d =>
                    {
                        if (dim.Param is { } param)
                        {
                            d.WriteString(2, param);
                        }
                        else if (dim.Value is { } value)
                        {
                            d.WriteInt64(1, value);
                        }
                    });
                }
            });
        }));
    }
}

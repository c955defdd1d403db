using Maas.Tensors;

namespace Maas.Benchmarks.Payloads;

/// <summary>One named input tensor: wire datatype, shape and its raw little-endian bytes.</summary>
public sealed record TensorData(string Name, DataType DataType, long[] Shape, byte[] Bytes)
{
    /// <summary>Number of elements the shape holds.</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var d in Shape)
            {
                count *= d;
            }

            return count;
        }
    }
}

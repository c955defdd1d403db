namespace Maas.Benchmarks.Payloads;

/// <summary>The inputs of one inference request for a named model.</summary>
public sealed record ModelPayload(string Model, IReadOnlyList<TensorData> Inputs)
{
    /// <summary>Total bytes of tensor data (what the binary form carries after its JSON header).</summary>
    public long TensorBytes
    {
        get
        {
            long total = 0;
            foreach (var input in Inputs)
            {
                total += input.Bytes.Length;
            }

            return total;
        }
    }
}

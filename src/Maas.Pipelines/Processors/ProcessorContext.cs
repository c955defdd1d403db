using System.Runtime.InteropServices;
using Maas.Buffers;
using Maas.Errors;
using Maas.Tensors;

namespace Maas.Pipelines.Processors;

/// <summary>
/// One run of one step: its inputs by port name, the outputs it writes, and the sequence it
/// belongs to. Output memory is pooled and owned by the context until the pipeline takes it
/// (<see cref="MoveOwnershipTo"/>); disposing the context returns whatever was not taken.
/// </summary>
public sealed class ProcessorContext : IDisposable
{
    private readonly IReadOnlyDictionary<string, Tensor> _inputs;
    private readonly Dictionary<string, Tensor> _outputs = new(StringComparer.Ordinal);
    private OwnedResources _owned = new();

    /// <summary>Creates a context over <paramref name="inputs"/> (keyed by port name).</summary>
    /// <param name="stepName">The step's name, for messages.</param>
    /// <param name="inputs">Wired inputs by port name; unwired optional inputs are absent.</param>
    /// <param name="sequence">The sequence the request belongs to; null for a stateless request.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    public ProcessorContext(string stepName, IReadOnlyDictionary<string, Tensor> inputs, SequenceContext? sequence = null, CancellationToken cancellationToken = default)
    {
        StepName = stepName;
        _inputs = inputs;
        Sequence = sequence;
        CancellationToken = cancellationToken;
    }

    /// <summary>The step's name.</summary>
    public string StepName { get; }

    /// <summary>The sequence (Triton's sequence extension) this request belongs to; null when stateless.</summary>
    public SequenceContext? Sequence { get; }

    /// <summary>The request's cancellation.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Outputs written so far, by port name.</summary>
    public IReadOnlyDictionary<string, Tensor> Outputs => _outputs;

    /// <summary>The input wired to <paramref name="port"/>; the loader guarantees required ports are wired.</summary>
    public Tensor Input(string port) =>
        _inputs.TryGetValue(port, out var tensor)
            ? tensor
            : throw MaasError.Internal($"step '{StepName}': input '{port}' is not wired");

    /// <summary>The input wired to an optional <paramref name="port"/>, or null.</summary>
    public Tensor? OptionalInput(string port) => _inputs.GetValueOrDefault(port);

    /// <summary>
    /// The one element of BYTES input <paramref name="port"/>, a whole encoded file; otherwise
    /// InvalidArgument saying what came instead.
    /// </summary>
    /// <param name="port">The input port.</param>
    /// <param name="file">What the element is, e.g. "the encoded image file".</param>
    /// <param name="fix">What the client should do, e.g. "Send one image per request".</param>
    public ReadOnlySpan<byte> SingleBytesElement(string port, string file, string fix)
    {
        var tensor = Input(port);
        var data = tensor.Data.Span;
        long count = 0;
        var wellFormed = tensor.DataType == DataType.Bytes && BytesElements.TryCount(data, out count, out _);
        if (!wellFormed || count != 1)
        {
            var what = tensor.DataType != DataType.Bytes ? tensor.DataType.WireName() : wellFormed ? $"BYTES with {count} elements" : "malformed BYTES";
            throw MaasError.InvalidArgument($"step '{StepName}': input '{port}' ({tensor.Name}) is {what} {tensor.Shape}; it must be BYTES with exactly one element, {file}. {fix}");
        }

        foreach (var element in BytesElements.Enumerate(data))
        {
            return element;
        }

        return default;
    }

    /// <summary>The elements of a fixed-size input, viewed as <typeparamref name="T"/> after checking its datatype.</summary>
    public ReadOnlySpan<T> InputSpan<T>(string port, DataType expected)
        where T : unmanaged
    {
        var tensor = Input(port);
        return tensor.DataType == expected
            ? MemoryMarshal.Cast<byte, T>(tensor.Data.Span)
            : throw MaasError.InvalidArgument($"step '{StepName}': input '{port}' ({tensor.Name}) is {tensor.DataType.WireName()}; this step needs {expected.WireName()}");
    }

    /// <summary>
    /// Allocates output <paramref name="port"/> of <paramref name="shape"/> and returns its
    /// zeroed elements to fill in. The memory is pooled and owned by this context.
    /// </summary>
    public Span<T> Output<T>(string port, DataType dataType, TensorShape shape)
        where T : unmanaged
    {
        var size = shape.ElementCount * dataType.ElementSize();
        if (size > Array.MaxLength)
        {
            // Steps bound their outputs by options; this is the last guard, not the limit a client meets.
            throw MaasError.InvalidArgument($"step '{StepName}': output '{port}' {shape} would be {size} bytes, more than one tensor may hold ({Array.MaxLength}); send a smaller input");
        }

        var buffer = new PooledBuffer((int)size);
        _owned.Add(buffer);
        buffer.Span.Clear();
        _outputs[port] = new Tensor(port, dataType, shape, buffer.Memory);
        return MemoryMarshal.Cast<byte, T>(buffer.Span);
    }

    /// <summary>Writes a BYTES output of <paramref name="shape"/> from its elements, in row-major order.</summary>
    public void OutputBytes(string port, TensorShape shape, IEnumerable<ReadOnlyMemory<byte>> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var writer = new PooledBufferWriter();
        _owned.Add(writer);
        long count = 0;
        foreach (var element in elements)
        {
            BytesElements.Write(writer, element.Span);
            count++;
        }

        if (count != shape.ElementCount)
        {
            throw MaasError.Internal($"step '{StepName}': output '{port}' has {count} elements for shape {shape}");
        }

        _outputs[port] = new Tensor(port, DataType.Bytes, shape, writer.WrittenMemory);
    }

    /// <summary>Passes a tensor through as an output (its memory must outlive the pipeline run, e.g. an input's).</summary>
    public void SetOutput(string port, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        _outputs[port] = tensor;
    }

    /// <summary>Hands the output memory to <paramref name="owner"/>; the outputs stay valid until it is disposed.</summary>
    public void MoveOwnershipTo(OwnedResources owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Add(_owned);
        _owned = new OwnedResources();
    }

    /// <summary>Returns output memory that was not moved.</summary>
    public void Dispose() => _owned.Dispose();
}

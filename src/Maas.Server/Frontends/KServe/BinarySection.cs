using Maas.Errors;

namespace Maas.Server.Frontends.KServe;

/// <summary>
/// The binary part of a request body: inputs with <c>binary_data_size</c> take consecutive slices
/// in the order they appear in the JSON. Every byte must be claimed, no more and no less.
/// </summary>
internal struct BinarySection
{
    private readonly ReadOnlyMemory<byte> _data;
    private int _offset;

    public BinarySection(ReadOnlyMemory<byte> data)
    {
        _data = data;
        _offset = 0;
    }

    public ReadOnlyMemory<byte> Take(string name, long size)
    {
        if (size > _data.Length - _offset)
        {
            throw MaasError.InvalidArgument($"Input '{name}' declares binary_data_size {size}, but only {_data.Length - _offset} bytes of binary data remain after the JSON header (Inference-Header-Content-Length); the sizes must add up to the binary part of the body.");
        }

        var slice = _data.Slice(_offset, (int)size);
        _offset += (int)size;
        return slice;
    }

    public readonly void EnsureConsumed()
    {
        if (_offset != _data.Length)
        {
            throw MaasError.InvalidArgument($"The body has {_data.Length - _offset} bytes of binary data after the JSON header that no input claims; each binary input's parameters.binary_data_size must match its bytes, and Inference-Header-Content-Length the JSON's length.");
        }
    }
}

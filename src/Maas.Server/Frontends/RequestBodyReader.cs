using System.Buffers;
using System.IO.Pipelines;
using Maas.Buffers;
using Maas.Errors;
using Microsoft.AspNetCore.Http;

namespace Maas.Server.Frontends;

/// <summary>
/// Reads a whole request body into one pooled buffer — the single copy of tensor bytes on the
/// way in; the parsers slice it. Enforces the body limit before reading past it.
/// </summary>
internal static class RequestBodyReader
{
    /// <summary>Reads the body. The caller owns the returned buffer and must dispose it.</summary>
    public static async Task<PooledBuffer> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var declared = request.ContentLength;
        if (declared > maxBytes)
        {
            throw TooLarge(declared.Value, maxBytes);
        }

        var reader = request.BodyReader;
        if (declared is { } length)
        {
            var buffer = new PooledBuffer((int)length);
            try
            {
                var read = await CopyAsync(reader, buffer.Memory, cancellationToken);
                if (read != length)
                {
                    throw MaasError.InvalidArgument($"The request body ended after {read} bytes, but Content-Length is {length}; the body was truncated.");
                }

                return buffer;
            }
            catch
            {
                buffer.Dispose();
                throw;
            }
        }

        return await ReadChunkedAsync(reader, maxBytes, cancellationToken);
    }

    private static async Task<long> CopyAsync(PipeReader reader, Memory<byte> target, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var sequence = result.Buffer;
            if (total + sequence.Length > target.Length)
            {
                reader.AdvanceTo(sequence.End);
                throw MaasError.InvalidArgument($"The request body is longer than its Content-Length ({target.Length} bytes).");
            }

            sequence.CopyTo(target.Span[(int)total..]);
            total += sequence.Length;
            reader.AdvanceTo(sequence.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return total;
            }
        }
    }

    private static async Task<PooledBuffer> ReadChunkedAsync(PipeReader reader, long maxBytes, CancellationToken cancellationToken)
    {
        using var writer = new PooledBufferWriter(16 * 1024);
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var sequence = result.Buffer;
            if (writer.WrittenCount + sequence.Length > maxBytes)
            {
                reader.AdvanceTo(sequence.End);
                throw TooLarge(writer.WrittenCount + sequence.Length, maxBytes);
            }

            foreach (var segment in sequence)
            {
                segment.Span.CopyTo(writer.GetSpan(segment.Length));
                writer.Advance(segment.Length);
            }

            reader.AdvanceTo(sequence.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }

        // Chunked bodies are rare for tensors; one extra copy into an exact-size buffer keeps ownership simple.
        var buffer = new PooledBuffer(writer.WrittenCount);
        writer.WrittenSpan.CopyTo(buffer.Span);
        return buffer;
    }

    private static MaasError TooLarge(long size, long maxBytes) =>
        MaasError.InvalidArgument($"The request body is at least {size} bytes, over the server's limit of {maxBytes} bytes; send a smaller request (binary tensor data is ~5x smaller than JSON), or start the server with a larger --max-request-bytes.");
}

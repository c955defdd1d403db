using System.Buffers;
using System.Text;
using Maas.Errors;
using Maas.Tensors;

namespace Maas.Pipelines.Processors.Text;

/// <summary>Reads a BYTES input of any shape as UTF-8 strings, one per element, in row-major order.</summary>
internal static class TextInput
{
    /// <summary>
    /// The most strings one request may send to a tokenizer step: 2,048, OpenAI's limit for one
    /// embeddings request, so every request /v1/embeddings accepts fits (the tokens are bounded
    /// separately, by max_batch_tokens).
    /// </summary>
    public const int MaxStrings = 2048;

    /// <summary>
    /// Decodes input <paramref name="port"/>. Throws InvalidArgument when it is not BYTES, holds
    /// no strings or more than <see cref="MaxStrings"/>, or an element is not valid UTF-8.
    /// </summary>
    public static string[] Read(ProcessorContext context, string port)
    {
        var tensor = context.Input(port);
        var where = $"step '{context.StepName}': input '{port}' ({tensor.Name})";
        if (tensor.DataType != DataType.Bytes)
        {
            throw MaasError.InvalidArgument($"{where} is {tensor.DataType.WireName()}; this step needs BYTES, one UTF-8 string per element");
        }

        var data = tensor.Data.Span;
        if (!BytesElements.TryCount(data, out var count, out var badOffset))
        {
            throw MaasError.InvalidArgument($"{where}: the element at byte {badOffset} runs past the end of the data; each element is a 4-byte little-endian length and that many bytes");
        }

        if (!tensor.Shape.TryGetElementCount(out var expected) || expected != count)
        {
            throw MaasError.InvalidArgument($"{where} has shape {tensor.Shape} but holds {count} strings; send one string per element of the shape");
        }

        if (count == 0)
        {
            throw MaasError.InvalidArgument($"{where} holds no strings; send at least one UTF-8 string");
        }

        if (count > MaxStrings)
        {
            throw MaasError.InvalidArgument($"{where} holds {count} strings; the limit is {MaxStrings} per request; split the batch into several requests");
        }

        var texts = new string[count];
        var index = 0;
        foreach (var element in BytesElements.Enumerate(data))
        {
            var bad = FirstInvalidByte(element);
            if (bad >= 0)
            {
                throw MaasError.InvalidArgument($"{where}: string {index} is not valid UTF-8 (byte {bad} of {element.Length}); send text encoded as UTF-8");
            }

            texts[index++] = Encoding.UTF8.GetString(element);
        }

        return texts;
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        var offset = 0;
        while (offset < utf8.Length)
        {
            if (Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }
}

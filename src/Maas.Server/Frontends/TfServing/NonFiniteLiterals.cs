using Maas.Buffers;

namespace Maas.Server.Frontends.TfServing;

/// <summary>
/// TF Serving accepts the bare tokens <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> (and
/// <c>Inf</c>) in request JSON, as Python's <c>json</c> module writes them; strict JSON readers
/// refuse them. This rewrites them, outside strings, into the strings <c>"NaN"</c>,
/// <c>"Infinity"</c> and <c>"-Infinity"</c>, which the value reader takes for floating-point inputs.
/// </summary>
internal static class NonFiniteLiterals
{
    /// <summary>
    /// A copy of <paramref name="json"/> with the tokens quoted, or null when it has none (the
    /// common case: one scan, no copy). The caller owns the returned buffer.
    /// </summary>
    public static PooledBuffer? Quote(ReadOnlySpan<byte> json)
    {
        var extra = Scan(json, target: default);
        if (extra == 0)
        {
            return null;
        }

        var buffer = new PooledBuffer(json.Length + extra);
        Scan(json, buffer.Span);
        return buffer;
    }

    // Walks the text once; with a target, copies it there with each token quoted. Returns the bytes added.
    private static int Scan(ReadOnlySpan<byte> json, Span<byte> target)
    {
        var copy = !target.IsEmpty;
        var added = 0;
        var copied = 0;
        var i = 0;
        while (i < json.Length)
        {
            var next = json[i..].IndexOfAny("\"NI"u8);
            if (next < 0)
            {
                break;
            }

            i += next;
            if (json[i] == '"')
            {
                i = EndOfString(json, i + 1);
                continue;
            }

            var start = i > 0 && json[i - 1] == '-' ? i - 1 : i;
            var length = MatchToken(json[i..]);
            if (length == 0)
            {
                // Not a token: leave it for the JSON reader to report.
                i++;
                continue;
            }

            var end = i + length;
            if (copy)
            {
                json[copied..start].CopyTo(target[(copied + added)..]);
                var at = start + added;
                target[at] = (byte)'"';
                var word = json[i] == 'N' ? "NaN"u8 : "Infinity"u8;
                var sign = start < i ? 1 : 0;
                if (sign == 1)
                {
                    target[at + 1] = (byte)'-';
                }

                word.CopyTo(target[(at + 1 + sign)..]);
                target[at + 1 + sign + word.Length] = (byte)'"';
                added += 2 + sign + word.Length - (end - start);
                copied = end;
            }
            else
            {
                added += 2 + (json[i] == 'N' ? 3 : 8) - length;
            }

            i = end;
        }

        if (copy)
        {
            json[copied..].CopyTo(target[(copied + added)..]);
        }

        return added;
    }

    // Length of the token at the start of text (NaN, Infinity, Inf), or 0 when there is none.
    private static int MatchToken(ReadOnlySpan<byte> text)
    {
        if (text.StartsWith("NaN"u8))
        {
            return 3;
        }

        if (text.StartsWith("Infinity"u8))
        {
            return 8;
        }

        return text.StartsWith("Inf"u8) ? 3 : 0;
    }

    // Index just past the closing quote of a string whose text starts at i (or the end of the input).
    private static int EndOfString(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length)
        {
            var next = json[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (next < 0)
            {
                return json.Length;
            }

            i += next;
            if (json[i] == '\\')
            {
                i += 2;
                continue;
            }

            return i + 1;
        }

        return json.Length;
    }
}

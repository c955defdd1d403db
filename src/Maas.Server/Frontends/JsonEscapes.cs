using System.Buffers.Text;
using Maas.Errors;

namespace Maas.Server.Frontends;

/// <summary>
/// System.Text.Json reads <c>"\ud800"</c> (a UTF-16 surrogate escape without its pair) as valid
/// JSON, then throws <see cref="InvalidOperationException"/> when the string is unescaped, deep in
/// whichever parser reads it. Every JSON body is checked once up front instead, so such a body is
/// a client error naming the escape on every route. The search for a backslash is vectorised and
/// most bodies have none; each escape found costs a few byte comparisons.
/// </summary>
internal static class JsonEscapes
{
    /// <summary>Throws InvalidArgument when <paramref name="json"/> escapes a surrogate that has no pair.</summary>
    public static void ThrowIfUnpairedSurrogate(ReadOnlySpan<byte> json)
    {
        var at = 0;
        while (at < json.Length)
        {
            var found = json[at..].IndexOf((byte)'\\');
            if (found < 0)
            {
                return;
            }

            at += found;
            // Escapes are read left to right, so "\\ud800" (an escaped backslash, then text) is no escape.
            if (!TryReadUnit(json, at, out var unit))
            {
                at += 2;
                continue;
            }

            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                throw Unpaired(unit, at);
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (!TryReadUnit(json, at + 6, out var low) || low is < 0xDC00 or > 0xDFFF)
                {
                    throw Unpaired(unit, at);
                }

                at += 12;
                continue;
            }

            at += 6;
        }
    }

    // A \uXXXX escape at `at`: its UTF-16 code unit.
    private static bool TryReadUnit(ReadOnlySpan<byte> json, int at, out int unit)
    {
        if (at + 6 > json.Length || json[at] != '\\' || json[at + 1] != 'u'
            || !Utf8Parser.TryParse(json.Slice(at + 2, 4), out ushort value, out var consumed, 'x') || consumed != 4)
        {
            unit = 0;
            return false; // not a \u escape, or a malformed one the JSON parser reports itself
        }

        unit = value;
        return true;
    }

    private static MaasError Unpaired(int unit, int at) => MaasError.InvalidArgument(
        $"The request body escapes an unpaired UTF-16 surrogate (\\u{unit:x4} at byte {at}); JSON strings must be valid Unicode: escape a character beyond the 16-bit range (an emoji) as a surrogate pair, e.g. \\ud83d\\ude00, or send it as UTF-8.");
}

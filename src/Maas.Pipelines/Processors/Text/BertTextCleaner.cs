using System.Globalization;
using System.Text;

namespace Maas.Pipelines.Processors.Text;

/// <summary>
/// The text clean-up of HuggingFace's BERT normalizer, done before Microsoft.ML.Tokenizers sees
/// the text: NUL, U+FFFD and control/format characters dropped, every whitespace turned into a
/// space, and (for uncased vocabularies) accents stripped as NFD-then-drop-marks would. The
/// library's own pass differs on tabs and zero-width characters, and cannot strip accents under
/// InvariantGlobalization, where <c>string.Normalize</c> leaves non-ASCII text alone.
/// </summary>
internal static class BertTextCleaner
{
    // Hangul syllables decompose arithmetically (Unicode 3.12).
    private const int HangulBase = 0xAC00;
    private const int HangulCount = 11172;
    private const int LeadBase = 0x1100;
    private const int VowelBase = 0x1161;
    private const int TrailBase = 0x11A7;
    private const int VowelCount = 21;
    private const int TrailCount = 28;

    /// <summary>Returns the cleaned text; <paramref name="text"/> itself when nothing changes (plain printable ASCII).</summary>
    public static string Clean(string text, bool stripAccents)
    {
        if (IsPlainAscii(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var value = rune.Value;
            if (value is '\t' or '\n' or '\r')
            {
                builder.Append(' ');
                continue;
            }

            if (value is 0 or 0xFFFD || IsOther(Rune.GetUnicodeCategory(rune)))
            {
                continue;
            }

            if (Rune.IsWhiteSpace(rune))
            {
                builder.Append(' ');
            }
            else if (!stripAccents)
            {
                Append(builder, rune);
            }
            else if (value - HangulBase is >= 0 and < HangulCount)
            {
                AppendHangul(builder, value - HangulBase);
            }
            else if (BertAccents.Strip(value) is { } stripped)
            {
                builder.Append(stripped);
            }
            else if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                Append(builder, rune);
            }
        }

        return builder.ToString();
    }

    // One or two UTF-16 units, without the string Rune.ToString allocates per character.
    private static void Append(StringBuilder builder, Rune rune)
    {
        Span<char> units = stackalloc char[2];
        builder.Append(units[..rune.EncodeToUtf16(units)]);
    }

    private static bool IsPlainAscii(string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    // Cc, Cf, Cn, Co: what HuggingFace's clean_text drops (surrogates cannot occur in a Rune).
    private static bool IsOther(UnicodeCategory category) => category is UnicodeCategory.Control
        or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse;

    private static void AppendHangul(StringBuilder builder, int index)
    {
        builder.Append((char)(LeadBase + (index / (VowelCount * TrailCount))));
        builder.Append((char)(VowelBase + (index % (VowelCount * TrailCount) / TrailCount)));
        if (index % TrailCount != 0)
        {
            builder.Append((char)(TrailBase + (index % TrailCount)));
        }
    }
}

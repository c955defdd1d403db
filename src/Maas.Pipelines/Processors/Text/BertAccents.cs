using System.Collections.Frozen;

namespace Maas.Pipelines.Processors.Text;

internal static partial class BertAccents
{
    private static readonly FrozenDictionary<int, string> Map = Build();

    /// <summary>The characters <paramref name="codePoint"/> becomes once accents are stripped, or null when it stays as it is.</summary>
    public static string? Strip(int codePoint) => Map.GetValueOrDefault(codePoint);

    private static FrozenDictionary<int, string> Build()
    {
        var map = new Dictionary<int, string>(2100);
        var table = Table.AsSpan();
        while (table.Length > 0)
        {
            System.Text.Rune.DecodeFromUtf16(table, out var key, out var consumed);
            table = table[consumed..];
            var separator = table.IndexOf('\u0002');
            map[key.Value] = table[1..separator].ToString();
            table = table[(separator + 1)..];
        }

        return map.ToFrozenDictionary();
    }
}

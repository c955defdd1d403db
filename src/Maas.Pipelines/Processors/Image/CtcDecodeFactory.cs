using System.Text;

namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// <c>ctc_decode</c>: greedy CTC decoding of a recognizer's per-step class probabilities.
/// Options: <c>characters</c> (required: a UTF-8 file with one character per line, such as
/// PaddleOCR's <c>ppocr_keys_v1.txt</c>), <c>blank</c> (0: the blank's class index) and
/// <c>append_space</c> (true: a ' ' class follows the file's characters, as PaddleOCR adds).
/// </summary>
internal sealed class CtcDecodeFactory : IProcessorFactory
{
    /// <summary>The largest dictionary accepted, in characters.</summary>
    public const int MaxCharacters = 1_000_000;

    /// <inheritdoc/>
    public string Kind => "ctc_decode";

    /// <inheritdoc/>
    public Processor Create(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.RequireFile("characters");
        var blank = options.GetInt("blank", 0, 0, MaxCharacters + 1);
        var appendSpace = options.GetBool("append_space", true);
        var characters = path.Length > 0 ? ReadCharacters(options, path) : [];
        if (appendSpace)
        {
            characters.Add(" "u8.ToArray());
        }

        if (blank > characters.Count)
        {
            options.AddError($"'blank' is {blank}; with {characters.Count} characters the classes are 0 to {characters.Count}, so it must be at most {characters.Count}");
        }

        options.ThrowIfInvalid(Kind);
        // The class list: the characters in order, with the blank inserted at its index.
        var classes = new byte[characters.Count + 1][];
        for (int c = 0, next = 0; c < classes.Length; c++)
        {
            classes[c] = c == blank ? [] : characters[next++];
        }

        return new CtcDecodeProcessor(classes, blank);
    }

    private static List<byte[]> ReadCharacters(ProcessorOptions options, string path)
    {
        var text = File.ReadAllText(path, Encoding.UTF8);
        var lines = text.Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var characters = new List<byte[]>(count + 1);
        for (var i = 0; i < count; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                options.AddError($"'characters' ({Path.GetFileName(path)}) line {i + 1} is empty; each line must hold one character (a space is added by 'append_space')");
                return characters;
            }

            characters.Add(Encoding.UTF8.GetBytes(line));
        }

        if (characters.Count == 0 || characters.Count > MaxCharacters)
        {
            options.AddError($"'characters' ({Path.GetFileName(path)}) has {characters.Count} lines; it must have 1 to {MaxCharacters}");
        }

        return characters;
    }
}

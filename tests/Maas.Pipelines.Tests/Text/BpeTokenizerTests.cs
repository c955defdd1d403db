using Maas.Errors;
using Maas.Pipelines.Processors.Text;
using static Maas.Pipelines.Tests.Text.TextSteps;

namespace Maas.Pipelines.Tests.Text;

public sealed class BpeTokenizerTests
{
    // Byte-level BPE as GPT-2 writes it: a space is 'Ġ', UTF-8 bytes >= 0x80 are single characters
    // (é = C3 A9 = 'Ã' '©'). Merges apply in file order.
    private const string Vocab = """
        {"<pad>": 0, "h": 1, "e": 2, "l": 3, "o": 4, "Ġ": 5, "w": 6, "r": 7, "d": 8, "he": 9, "ll": 10,
         "hell": 11, "hello": 12, "Ġw": 13, "or": 14, "Ġwor": 15, "!": 16, "Ã": 17, "©": 18, "é": 19, "<eos>": 20}
        """;

    private const string Merges = "#version: 0.2\nh e\nl l\nhe ll\nhell o\nĠ w\no r\nĠw or\n";

    private static string Folder()
    {
        var folder = Directory.CreateTempSubdirectory("maas-bpe-").FullName;
        File.WriteAllText(Path.Combine(folder, "vocab.json"), Vocab);
        File.WriteAllText(Path.Combine(folder, "merges.txt"), Merges);
        return folder;
    }

    [Fact]
    public void Words_merge_in_merges_order_and_a_leading_space_becomes_part_of_the_token()
    {
        var step = Create(new BpeTokenizerFactory(), "{}", Folder());
        using var context = Run(step, ("text", Strings("hello world!")));

        // hello | Ġwor l d | !
        Assert.Equal([12, 15, 3, 8, 16], LongsOf(context, "input_ids"));
        Assert.Equal([1, 1, 1, 1, 1], LongsOf(context, "attention_mask"));
        Assert.Equal([0, 0, 0, 0, 0], LongsOf(context, "token_type_ids"));
        Assert.Equal([5], LongsOf(context, "token_count"));
    }

    [Fact]
    public void Non_ascii_text_is_split_into_its_utf8_bytes()
    {
        var step = Create(new BpeTokenizerFactory(), "{}", Folder());
        using var context = Run(step, ("text", Strings("é")));

        Assert.Equal([17, 18], LongsOf(context, "input_ids"));
    }

    [Fact]
    public void Batch_pads_with_pad_id_and_truncates_to_max_length()
    {
        var step = Create(new BpeTokenizerFactory(), """{"pad_id": 20, "max_length": 3}""", Folder());
        using var context = Run(step, ("text", Strings("hello world!", "hello")));

        Assert.Equal([2, 3], ShapeOf(context, "input_ids"));
        Assert.Equal([12, 15, 3, 12, 20, 20], LongsOf(context, "input_ids"));
        Assert.Equal([1, 1, 1, 1, 0, 0], LongsOf(context, "attention_mask"));
        Assert.Equal([3, 1], LongsOf(context, "token_count"));
    }

    [Fact]
    public void Files_named_by_options_are_used()
    {
        var folder = Folder();
        File.Move(Path.Combine(folder, "vocab.json"), Path.Combine(folder, "tokens.json"));
        var step = Create(new BpeTokenizerFactory(), """{"vocab": "tokens.json", "padding": "max_length", "max_length": 4}""", folder);
        using var context = Run(step, ("text", Strings("hello")));

        Assert.Equal([12, 0, 0, 0], LongsOf(context, "input_ids"));
    }

    [Fact]
    public void A_vocabulary_that_is_not_json_is_a_load_error()
    {
        var folder = Folder();
        File.WriteAllText(Path.Combine(folder, "vocab.json"), "not json");

        var error = Assert.Throws<MaasError>(() => Create(new BpeTokenizerFactory(), "{}", folder));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("do not load as byte-level BPE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_runs_give_the_same_ids()
    {
        var step = Create(new BpeTokenizerFactory(), "{}", Folder());

        Parallel.For(0, 200, i =>
        {
            using var context = Run(step, ("text", Strings(i % 2 == 0 ? "hello world!" : "é hello")));
            Assert.Equal(i % 2 == 0 ? [12, 15, 3, 8, 16] : [17, 18, 5, 12], LongsOf(context, "input_ids"));
        });
    }
}

using Maas.Errors;
using Maas.Pipelines.Processors.Text;
using static Maas.Pipelines.Tests.Text.TextSteps;

namespace Maas.Pipelines.Tests.Text;

public sealed class WordPieceTokenizerTests
{
    private static readonly Lazy<Maas.Pipelines.Processors.Processor> Default =
        new(() => Create(new WordPieceTokenizerFactory(), "{}", MiniLmFolder));

    [Fact]
    public void Example_sentence_gives_the_ids_HuggingFace_gives()
    {
        using var context = Run(Default.Value, ("text", Strings("This is an example sentence")));

        Assert.Equal([101, 2023, 2003, 2019, 2742, 6251, 102], LongsOf(context, "input_ids"));
        Assert.Equal([1, 1, 1, 1, 1, 1, 1], LongsOf(context, "attention_mask"));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0], LongsOf(context, "token_type_ids"));
        Assert.Equal([7], LongsOf(context, "token_count"));
        Assert.Equal([1, 7], ShapeOf(context, "input_ids"));
    }

    [Fact]
    public void Accents_are_stripped_for_an_uncased_vocabulary()
    {
        // HuggingFace: café naïve résumé -> cafe naive resume (ids = vocab.txt line - 1).
        using var context = Run(Default.Value, ("text", Strings("Café naïve RÉSUMÉ")));

        Assert.Equal([101, 7668, 15743, 13746, 102], LongsOf(context, "input_ids"));
    }

    [Fact]
    public void Hangul_syllables_decompose_into_jamo_as_NFD_does()
    {
        using var context = Run(Default.Value, ("text", Strings("한")));

        Assert.Equal([101, 1469, 30006, 30021, 102], LongsOf(context, "input_ids"));
    }

    [Fact]
    public void Control_and_zero_width_characters_are_dropped_and_tabs_are_spaces()
    {
        // HuggingFace's clean_text: "a\0b\tc\u200bd" -> "ab cd".
        using var context = Run(Default.Value, ("text", Strings("a\0b\tc\u200bd")));

        Assert.Equal([101, 11113, 3729, 102], LongsOf(context, "input_ids"));
    }

    [Fact]
    public void Lowercase_false_keeps_case_so_capitals_are_unknown_to_an_uncased_vocabulary()
    {
        var cased = Create(new WordPieceTokenizerFactory(), """{"lowercase": false}""", MiniLmFolder);
        using var context = Run(cased, ("text", Strings("Hello hello")));

        Assert.Equal([101, 100, 7592, 102], LongsOf(context, "input_ids"));
    }

    [Fact]
    public void Batch_pads_to_the_longest_string_with_mask_zero()
    {
        using var context = Run(Default.Value, ("text", Strings("hello world", "hi")));

        Assert.Equal([2, 4], ShapeOf(context, "input_ids"));
        Assert.Equal([101, 7592, 2088, 102, 101, 7632, 102, 0], LongsOf(context, "input_ids"));
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 0], LongsOf(context, "attention_mask"));
        Assert.Equal([4, 3], LongsOf(context, "token_count"));
    }

    [Fact]
    public void Padding_max_length_pads_every_row_to_max_length()
    {
        var step = Create(new WordPieceTokenizerFactory(), """{"max_length": 6, "padding": "max_length"}""", MiniLmFolder);
        using var context = Run(step, ("text", Strings("hi")));

        Assert.Equal([1, 6], ShapeOf(context, "input_ids"));
        Assert.Equal([101, 7632, 102, 0, 0, 0], LongsOf(context, "input_ids"));
        Assert.Equal([1, 1, 1, 0, 0, 0], LongsOf(context, "attention_mask"));
    }

    [Fact]
    public void Pad_to_multiple_of_rounds_the_length_up_so_similar_texts_share_a_shape()
    {
        var step = Create(new WordPieceTokenizerFactory(), """{"max_length": 10, "pad_to_multiple_of": 4}""", MiniLmFolder);

        using var three = Run(step, ("text", Strings("hi")));
        using var seven = Run(step, ("text", Strings("This is an example sentence")));
        using var capped = Run(step, ("text", Strings("This is an example sentence, and a longer one")));

        Assert.Equal([1, 4], ShapeOf(three, "input_ids"));
        Assert.Equal([101, 7632, 102, 0], LongsOf(three, "input_ids"));
        Assert.Equal([1, 1, 1, 0], LongsOf(three, "attention_mask"));
        Assert.Equal([1, 8], ShapeOf(seven, "input_ids"));
        Assert.Equal([1, 10], ShapeOf(capped, "input_ids")); // 12 would pass max_length 10
        Assert.Equal([10], LongsOf(capped, "token_count"));
    }

    [Fact]
    public void Longer_text_is_truncated_to_max_length_keeping_SEP()
    {
        var step = Create(new WordPieceTokenizerFactory(), """{"max_length": 4}""", MiniLmFolder);
        using var context = Run(step, ("text", Strings("This is an example sentence")));

        Assert.Equal([101, 2023, 2003, 102], LongsOf(context, "input_ids"));
        Assert.Equal([4], LongsOf(context, "token_count"));
    }

    [Fact]
    public void Truncation_cuts_between_the_pieces_of_a_word_as_HuggingFace_does()
    {
        // "tokenization" is two pieces (token ##ization): max_length 4 keeps [CLS] the token [SEP].
        using var whole = Run(Default.Value, ("text", Strings("the tokenization of words")));
        var full = LongsOf(whole, "input_ids");
        Assert.Equal(7, full.Length); // [CLS] the token ##ization of words [SEP]
        var step = Create(new WordPieceTokenizerFactory(), """{"max_length": 4}""", MiniLmFolder);
        using var context = Run(step, ("text", Strings("the tokenization of words")));

        Assert.Equal([.. full[..3], 102], LongsOf(context, "input_ids"));
    }

    [Fact]
    public void Any_input_shape_is_read_as_one_string_per_element()
    {
        var text = Utf8Elements("text", Maas.Tensors.TensorShape.Of(2, 1), "hi"u8.ToArray(), "hello"u8.ToArray());
        using var context = Run(Default.Value, ("text", text));

        Assert.Equal([2, 3], ShapeOf(context, "input_ids"));
        Assert.Equal([101, 7632, 102, 101, 7592, 102], LongsOf(context, "input_ids"));
    }

    [Fact]
    public void Invalid_utf8_is_refused_naming_the_string()
    {
        var text = Utf8Elements("text", Maas.Tensors.TensorShape.Of(2), "ok"u8.ToArray(), [0x61, 0xC3, 0x28]);

        var error = Assert.Throws<MaasError>(() => Run(Default.Value, ("text", text)));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("string 1 is not valid UTF-8 (byte 1 of 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_strings_is_refused()
    {
        var error = Assert.Throws<MaasError>(() => Run(Default.Value, ("text", Strings())));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("holds no strings", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_strings_than_the_limit_are_refused_with_the_limit()
    {
        var texts = Enumerable.Repeat("hi", TextInput.MaxStrings + 1).ToArray();

        var error = Assert.Throws<MaasError>(() => Run(Default.Value, ("text", Strings(texts))));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("holds 2049 strings; the limit is 2048", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_padded_tokens_than_max_batch_tokens_are_refused_with_both_figures()
    {
        var step = Create(new WordPieceTokenizerFactory(), """{"max_length": 16, "max_batch_tokens": 20}""", MiniLmFolder);

        // Two texts of 7 tokens are 14 tokens: within the budget. Three are 21: over it.
        using var fits = Run(step, ("text", Strings("This is an example sentence", "This is an example sentence")));
        var error = Assert.Throws<MaasError>(() => Run(step, ("text", Strings("This is an example sentence", "This is an example sentence", "This is an example sentence"))));

        Assert.Equal([2, 7], ShapeOf(fits, "input_ids"));
        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("3 texts padded to 7 tokens are 21 tokens; the limit is 20 per request (option max_batch_tokens)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Max_batch_tokens_below_max_length_is_a_load_error()
    {
        var error = Assert.Throws<MaasError>(() => Create(new WordPieceTokenizerFactory(), """{"max_length": 64, "max_batch_tokens": 32}""", MiniLmFolder));

        Assert.Contains("'max_batch_tokens' (32) is below 'max_length' (64)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_bytes_input_is_refused()
    {
        var error = Assert.Throws<MaasError>(() => Run(Default.Value, ("text", Longs("text", [1], 1))));

        Assert.Contains("is INT64; this step needs BYTES", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_vocabulary_is_a_load_error_naming_the_option()
    {
        var folder = Directory.CreateTempSubdirectory("maas-wordpiece-").FullName;

        var error = Assert.Throws<MaasError>(() => Create(new WordPieceTokenizerFactory(), """{"max_length": 1}""", folder));

        Assert.Contains("'vocab' names 'vocab.txt', which is not in", error.Message, StringComparison.Ordinal);
        Assert.Contains("'max_length' must be an integer from 2 to 8192", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vocabulary_without_the_special_tokens_is_a_load_error()
    {
        var folder = Directory.CreateTempSubdirectory("maas-wordpiece-").FullName;
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), "hello\nworld\n");

        var error = Assert.Throws<MaasError>(() => Create(new WordPieceTokenizerFactory(), "{}", folder));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("is not a WordPiece vocabulary", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_runs_give_the_same_ids()
    {
        var sentences = new[] { "This is an example sentence", "hello world", "Café naïve RÉSUMÉ", "hi" };
        var expected = sentences.Select(s =>
        {
            using var c = Run(Default.Value, ("text", Strings(s)));
            return LongsOf(c, "input_ids");
        }).ToArray();

        Parallel.For(0, 200, i =>
        {
            using var c = Run(Default.Value, ("text", Strings(sentences[i % 4])));
            Assert.Equal(expected[i % 4], LongsOf(c, "input_ids"));
        });
    }
}

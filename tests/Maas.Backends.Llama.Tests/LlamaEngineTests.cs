using System.Text;
using Maas.Errors;
using Maas.Generation;

namespace Maas.Backends.Llama.Tests;

public sealed class LlamaEngineTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private static readonly SamplingOptions Greedy = new() { Temperature = 0 };

    private static async Task<(string Text, int Tokens, FinishReason? Finish)> RunAsync(GenerationSession session)
    {
        using (session)
        {
            var text = new StringBuilder();
            GenerationChunk last = default;
            await foreach (var chunk in session.Chunks.ReadAllAsync())
            {
                text.Append(chunk.Text);
                last = chunk;
            }

            return (text.ToString(), last.CompletionTokens, last.Finish);
        }
    }

    [Fact]
    public void Info_ReportsGgufMetadata()
    {
        var info = fixture.Generator.Info;
        Assert.Equal("llama", info.Architecture);
        Assert.Equal("F32", info.Quantization);
        Assert.Equal(50259, info.VocabularySize);
        Assert.Equal(256, info.ContextLength);
        Assert.Equal(2048, info.TrainedContextLength);
        Assert.True(info.Parameters > 3_000_000);
    }

    [Fact]
    public async Task Greedy_WithMaxTokens_StopsAtLengthAndRepeats()
    {
        var request = new GenerationRequest { Prompt = "The quick brown fox", MaxTokens = 12, Sampling = Greedy };
        var first = await RunAsync(fixture.Generator.Submit(request, default));
        var second = await RunAsync(fixture.Generator.Submit(request, default));
        Assert.Equal(12, first.Tokens);
        Assert.Equal(FinishReason.Length, first.Finish);
        Assert.False(string.IsNullOrEmpty(first.Text));
        Assert.Equal(first.Text, second.Text);
    }

    [Fact]
    public async Task Seeded_Sampling_IsReproducible()
    {
        var request = new GenerationRequest { Prompt = "Hello", MaxTokens = 10, Sampling = new SamplingOptions { Temperature = 0.9f, TopP = 0.9f, TopK = 40, Seed = 42 } };
        var first = await RunAsync(fixture.Generator.Submit(request, default));
        var second = await RunAsync(fixture.Generator.Submit(request, default));
        Assert.Equal(first.Text, second.Text);
    }

    [Fact]
    public async Task StopSequence_CutsOutputBeforeIt_EvenAcrossTokens()
    {
        var baseline = await RunAsync(fixture.Generator.Submit(new GenerationRequest { Prompt = "Once upon a time", MaxTokens = 20, Sampling = Greedy }, default));
        Assert.True(baseline.Text.Length > 8, baseline.Text);
        // A stop that starts inside one token and ends inside a later one.
        var start = baseline.Text.Length / 2;
        var stop = baseline.Text.Substring(start, Math.Min(5, baseline.Text.Length - start));
        var expected = baseline.Text[..baseline.Text.IndexOf(stop, StringComparison.Ordinal)];
        var stopped = await RunAsync(fixture.Generator.Submit(new GenerationRequest { Prompt = "Once upon a time", MaxTokens = 20, Sampling = Greedy, Stop = [stop] }, default));
        Assert.Equal(FinishReason.Stop, stopped.Finish);
        Assert.Equal(expected, stopped.Text);
    }

    [Fact]
    public async Task ConcurrentSequences_AllComplete_WithTheirOwnLengths()
    {
        var tasks = new List<Task<(string Text, int Tokens, FinishReason? Finish)>>();
        for (var i = 0; i < 6; i++)
        {
            var request = new GenerationRequest { Prompt = "Sequence number " + i, MaxTokens = 5 + i, Sampling = Greedy };
            tasks.Add(RunAsync(fixture.Generator.Submit(request, default)));
        }

        var results = await Task.WhenAll(tasks);
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(5 + i, results[i].Tokens);
        }

        // Batched greedy output equals the same request run alone.
        var alone = await RunAsync(fixture.Generator.Submit(new GenerationRequest { Prompt = "Sequence number 3", MaxTokens = 8, Sampling = Greedy }, default));
        Assert.Equal(alone.Text, results[3].Text);
    }

    [Fact]
    public void PromptLongerThanContext_IsInvalidArgument_NamingBothNumbers()
    {
        var prompt = string.Concat(Enumerable.Repeat("hello world ", 300));
        var error = Assert.Throws<MaasError>(() => fixture.Generator.Submit(new GenerationRequest { Prompt = prompt }, default));
        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        var match = System.Text.RegularExpressions.Regex.Match(error.Message, "maximum context length is (\\d+) tokens, but the prompt has (\\d+) tokens");
        Assert.True(match.Success, error.Message);
        Assert.Equal("256", match.Groups[1].Value);
        Assert.True(int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) > 500, error.Message);
    }

    [Fact]
    public void InvalidSampling_IsInvalidArgument()
    {
        var error = Assert.Throws<MaasError>(() => fixture.Generator.Submit(new GenerationRequest { Prompt = "x", Sampling = new SamplingOptions { TopP = 0 } }, default));
        Assert.Contains("top_p", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_IsRenderedWithTheTemplate()
    {
        var messages = new[] { new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi") };
        var session = fixture.Generator.Submit(new GenerationRequest { Messages = messages, MaxTokens = 4, Sampling = Greedy }, default);
        // ChatML around the two messages plus the assistant header: well over the bare words.
        Assert.True(session.PromptTokens > 8, session.PromptTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var result = await RunAsync(session);
        Assert.Equal(4, result.Tokens);
    }

    [Fact]
    public async Task CancelledSequence_FreesItsSlot()
    {
        using var cts = new CancellationTokenSource();
        var sessions = new List<GenerationSession>();
        for (var i = 0; i < 4; i++)
        {
            sessions.Add(fixture.Generator.Submit(new GenerationRequest { Prompt = "long " + i, MaxTokens = 200, Sampling = Greedy }, cts.Token));
        }

        await sessions[0].Chunks.ReadAsync();
        await cts.CancelAsync();
        foreach (var session in sessions)
        {
            session.Dispose();
        }

        var result = await RunAsync(fixture.Generator.Submit(new GenerationRequest { Prompt = "after", MaxTokens = 3, Sampling = Greedy }, default)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, result.Tokens);
    }

    [Fact]
    public async Task LongPrompt_IsPrefilledInChunks_WhileAnotherStreamKeepsFlowing()
    {
        using var running = fixture.Generator.Submit(new GenerationRequest { Prompt = "Keep going", MaxTokens = 120, Sampling = Greedy }, default);
        await running.Chunks.ReadAsync();
        var prompt = string.Concat(Enumerable.Repeat("alpha beta ", 90));
        using var longPrompt = fixture.Generator.Submit(new GenerationRequest { Prompt = prompt, MaxTokens = 2, Sampling = Greedy }, default);
        Assert.True(longPrompt.PromptTokens > 150, longPrompt.PromptTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var first = await longPrompt.Chunks.ReadAsync();
        // The running stream got tokens during the prefill: about one per 8-token chunk.
        var during = 0;
        while (running.Chunks.TryRead(out var chunk))
        {
            during = chunk.CompletionTokens;
        }

        Assert.Equal(1, first.CompletionTokens);
        Assert.True(during >= longPrompt.PromptTokens / 8 / 2, $"only {during} tokens of the running stream during a {longPrompt.PromptTokens}-token prefill");
    }
}

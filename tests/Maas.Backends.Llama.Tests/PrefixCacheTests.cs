using System.Globalization;
using System.Text;
using Maas.Generation;

namespace Maas.Backends.Llama.Tests;

public sealed class PrefixCacheTests(PrefixCacheFixture fixture) : IClassFixture<PrefixCacheFixture>
{
    private static readonly SamplingOptions Greedy = new() { Temperature = 0 };

    /// <summary>A system prompt of about <paramref name="sentences"/> × 15 tokens, unique to <paramref name="tag"/>.</summary>
    private static string SystemPrompt(string tag, int sentences)
    {
        var text = new StringBuilder(tag).Append(": ");
        for (var i = 0; i < sentences; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"Rule {i}: the assistant answers questions about the weather in a calm tone. ");
        }

        return text.ToString();
    }

    private static GenerationRequest Chat(string system, string user, int maxTokens = 8) =>
        new() { Messages = [new ChatMessage("system", system), new ChatMessage("user", user)], MaxTokens = maxTokens, Sampling = Greedy };

    /// <summary>
    /// The same conversation as a raw prompt: the tiny model's chat answers are special tokens
    /// with no text, a raw prompt's answers are words to compare.
    /// </summary>
    private static GenerationRequest Raw(string system, string user, int maxTokens = 16) =>
        new() { Prompt = $"System: {system}\nUser: {user}", MaxTokens = maxTokens, Sampling = Greedy };

    private static async Task<Result> RunAsync(GenerationSession session)
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

            return new Result(text.ToString(), session.PromptTokens, last.CachedPromptTokens, last.CompletionTokens);
        }
    }

    private static Task<Result> RunAsync(LlamaModel model, GenerationRequest request) => RunAsync(model.Submit(request, default));

    [Fact]
    public async Task SameSystemPrompt_SecondChat_PrefillsOnlyItsOwnPart_AndAnswersAsWithoutTheCache()
    {
        var system = SystemPrompt("same-system", 34);
        var engine = fixture.On.Engine;
        var first = await RunAsync(fixture.On, Chat(system, "What is the weather today?"));
        Assert.True(first.PromptTokens > 500, $"the system prompt should be over 500 tokens, the chat has {first.PromptTokens}");

        var prefilledBefore = engine.PrefilledTokens;
        var hitsBefore = engine.PrefixCacheHits;
        var reusedBefore = engine.PrefixCacheReusedTokens;
        var second = await RunAsync(fixture.On, Chat(system, "And tomorrow, will it rain?"));
        var prefilled = engine.PrefilledTokens - prefilledBefore;

        // Everything up to the user message came from the first chat's KV.
        Assert.True(second.CachedTokens > 500, $"only {second.CachedTokens} of {second.PromptTokens} prompt tokens were reused");
        Assert.Equal(second.PromptTokens - second.CachedTokens, prefilled);
        Assert.True(prefilled < 30, $"{prefilled} prompt tokens were prefilled; the user message and template tail are fewer than 30");
        Assert.Equal(1, engine.PrefixCacheHits - hitsBefore);
        Assert.Equal(second.CachedTokens, engine.PrefixCacheReusedTokens - reusedBefore);

        var uncached = await RunAsync(fixture.Off, Chat(system, "And tomorrow, will it rain?"));
        Assert.Equal(0, uncached.CachedTokens);
        Assert.Equal(uncached.PromptTokens, second.PromptTokens);
        Assert.Equal(uncached.Text, second.Text);
        Assert.Equal(uncached.CompletionTokens, second.CompletionTokens);
    }

    [Fact]
    public async Task SharedLongPrefix_AnswersTheSameAsWithoutTheCache()
    {
        var system = SystemPrompt("same-answer", 34);
        await RunAsync(fixture.On, Raw(system, "What is the weather today?"));
        var answers = new List<string>();
        foreach (var user in new[] { "Once upon a time", "The quick brown fox" })
        {
            var cached = await RunAsync(fixture.On, Raw(system, user));
            var uncached = await RunAsync(fixture.Off, Raw(system, user));
            Assert.True(cached.CachedTokens > 500, $"only {cached.CachedTokens} of {cached.PromptTokens} prompt tokens were reused");
            Assert.Equal(uncached.Text, cached.Text);
            answers.Add(cached.Text);
        }

        // The answers depend on the user's part, so equal answers mean equal computations.
        Assert.NotEqual(answers[0], answers[1]);
    }

    [Fact]
    public async Task SamePrompt_Again_ReusesAllButTheLastToken_AndAnswersTheSame()
    {
        var request = Raw(SystemPrompt("same-prompt", 10), "Hello there", maxTokens: 12);
        var first = await RunAsync(fixture.On, request);
        var again = await RunAsync(fixture.On, request);
        Assert.Equal(again.PromptTokens - 1, again.CachedTokens);
        Assert.False(string.IsNullOrWhiteSpace(first.Text));
        Assert.Equal(first.Text, again.Text);
    }

    [Fact]
    public async Task CacheOff_ReusesNothing()
    {
        var system = SystemPrompt("off", 10);
        var engine = fixture.Off.Engine;
        await RunAsync(fixture.Off, Chat(system, "one"));
        var before = engine.PrefilledTokens;
        var second = await RunAsync(fixture.Off, Chat(system, "two"));
        Assert.Equal(0, second.CachedTokens);
        Assert.Equal(second.PromptTokens, engine.PrefilledTokens - before);
        Assert.Equal(0, engine.PrefixCacheHits);
        Assert.Equal(0, engine.PrefixCacheTokens);
    }

    [Fact]
    public async Task SmallBudget_EvictsTheLeastRecentlyUsedPrefix()
    {
        var model = fixture.Small;
        var engine = model.Engine;
        var a = SystemPrompt("evict-a", 13);
        var b = SystemPrompt("evict-b", 13);
        var firstA = await RunAsync(model, Chat(a, "first"));
        Assert.InRange(firstA.PromptTokens, 150, 300);
        await RunAsync(model, Chat(b, "first"));
        // Two ~200-token prefixes exceed the 300-token budget: A, used least recently, went.
        Assert.InRange(engine.PrefixCacheTokens, 1, 300);

        var againA = await RunAsync(model, Chat(a, "second"));
        Assert.True(againA.CachedTokens < 10, $"A was evicted, yet {againA.CachedTokens} tokens were reused (only the chat template's opening may be)");

        // A is now the retained one; B was evicted in its turn.
        var againA2 = await RunAsync(model, Chat(a, "third"));
        Assert.True(againA2.CachedTokens > 150, $"only {againA2.CachedTokens} tokens reused");
        Assert.InRange(engine.PrefixCacheTokens, 1, 300);
    }

    [Fact]
    public async Task RetainedPrefixes_GiveTheirSlotsUpToRequests()
    {
        var model = fixture.Small;
        // Fill both slots with retained prefixes of different prompts (each well under the budget).
        await RunAsync(model, new GenerationRequest { Prompt = "slot one x", MaxTokens = 2, Sampling = Greedy });
        await RunAsync(model, new GenerationRequest { Prompt = "second slot y", MaxTokens = 2, Sampling = Greedy });
        var tasks = new List<Task<Result>>();
        for (var i = 0; i < 2; i++)
        {
            tasks.Add(RunAsync(model, new GenerationRequest { Prompt = "a new request " + i, MaxTokens = 20, Sampling = Greedy }));
        }

        var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(results, r => Assert.Equal(20, r.CompletionTokens));
    }

    [Fact]
    public async Task ConcurrentSequences_SharingARunningPrefix_AnswerAsWithoutTheCache()
    {
        var system = SystemPrompt("concurrent", 20);
        var users = new[] { "Once upon a time", "The quick brown fox", "Hello world", "Sequence number 7" };

        // The first is still generating when the others arrive: they copy its prefilled prompt.
        using var leader = fixture.On.Submit(Raw(system, users[0], maxTokens: 40), default);
        await leader.Chunks.ReadAsync();
        var followers = new List<Task<Result>>();
        for (var i = 1; i < users.Length; i++)
        {
            followers.Add(RunAsync(fixture.On, Raw(system, users[i])));
        }

        var cached = await Task.WhenAll(followers);
        var expected = await Task.WhenAll(users.Skip(1).Select(u => RunAsync(fixture.Off, Raw(system, u))));
        for (var i = 0; i < cached.Length; i++)
        {
            Assert.True(cached[i].CachedTokens > 250, $"follower {i} reused only {cached[i].CachedTokens} of {cached[i].PromptTokens} tokens");
            Assert.Equal(expected[i].Text, cached[i].Text);
        }

        // Each follower answered its own question: the answers are not all one.
        Assert.True(cached.Select(c => c.Text).Distinct().Count() > 1, "every follower gave the same answer: " + string.Join(" | ", cached.Select(c => c.Text)));
    }

    private sealed record Result(string Text, int PromptTokens, int CachedTokens, int CompletionTokens);
}

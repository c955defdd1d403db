using Maas.Generation;

namespace Maas.Backends.Llama.Tests;

public sealed class TokenSamplerTests
{
    private static float[] Logits() => [0.1f, 2.0f, 1.5f, -1f, 0.5f];

    [Fact]
    public void Sample_AtTemperatureZero_IsArgMax()
    {
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 0 }, []);
        Assert.Equal(1, sampler.Sample(Logits()));
    }

    [Fact]
    public void Sample_TopKOne_IsArgMaxAtAnyTemperature()
    {
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 2, TopK = 1, Seed = 3 }, []);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(1, sampler.Sample(Logits()));
        }
    }

    [Fact]
    public void Sample_TopKTwo_OnlyDrawsTheTwoMostLikely()
    {
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 1, TopK = 2, Seed = 5 }, []);
        var seen = new HashSet<int>();
        for (var i = 0; i < 200; i++)
        {
            seen.Add(sampler.Sample(Logits()));
        }

        Assert.Equal([1, 2], seen.Order());
    }

    [Fact]
    public void Sample_MinP_DropsUnlikelyTokens()
    {
        // p(1) ∝ e^2, p(2) ∝ e^1.5 (0.61 of it), p(4) ∝ e^0.5 (0.22 of it): min_p 0.5 keeps 1 and 2.
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 1, MinP = 0.5f, Seed = 9 }, []);
        var seen = new HashSet<int>();
        for (var i = 0; i < 300; i++)
        {
            seen.Add(sampler.Sample(Logits()));
        }

        Assert.Equal([1, 2], seen.Order());
    }

    [Fact]
    public void Sample_SameSeed_SameDraws()
    {
        var options = new SamplingOptions { Temperature = 1, Seed = 42 };
        var a = new TokenSampler(options, []);
        var b = new TokenSampler(options, []);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(a.Sample(Logits()), b.Sample(Logits()));
        }
    }

    [Fact]
    public void FrequencyPenalty_PushesARepeatedTokenBelowTheNext()
    {
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 0, FrequencyPenalty = 0.4f }, []);
        Assert.Equal(1, sampler.Sample(Logits()));
        sampler.Accept(1);
        Assert.Equal(1, sampler.Sample(Logits())); // 2.0 - 0.4 = 1.6 > 1.5
        sampler.Accept(1);
        Assert.Equal(2, sampler.Sample(Logits())); // 2.0 - 0.8 = 1.2 < 1.5
    }

    [Fact]
    public void RepetitionPenalty_AppliesToPromptTokens()
    {
        var sampler = new TokenSampler(new SamplingOptions { Temperature = 0, RepetitionPenalty = 2f }, [1]);
        Assert.Equal(2, sampler.Sample(Logits())); // 2.0 / 2 = 1.0 < 1.5
    }
}

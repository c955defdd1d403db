using Maas.Generation;

namespace Maas.Backends.Llama;

/// <summary>
/// Picks the next token of one sequence from its logits: penalties, then greedy at temperature 0,
/// else temperature, top-k, min-p, top-p and a draw from a generator seeded per sequence. Not
/// thread-safe: one per sequence, used by the decode loop only.
/// </summary>
internal sealed class TokenSampler
{
    private readonly SamplingOptions _options;
    private readonly Random _random;
    private readonly Dictionary<int, int> _generatedCounts = [];
    private readonly HashSet<int> _seen = [];
    private int[] _order = [];
    private float[] _probabilities = [];

    public TokenSampler(SamplingOptions options, IReadOnlyList<int> prompt)
    {
        _options = options;
        _random = options.Seed is { } seed ? new Random(unchecked((int)seed ^ (int)(seed >> 32))) : new Random();
        if (options.RepetitionPenalty != 1f)
        {
            foreach (var token in prompt)
            {
                _seen.Add(token);
            }
        }
    }

    /// <summary>Records a generated token for the penalties.</summary>
    public void Accept(int token)
    {
        _generatedCounts[token] = _generatedCounts.GetValueOrDefault(token) + 1;
        if (_options.RepetitionPenalty != 1f)
        {
            _seen.Add(token);
        }
    }

    /// <summary>Chooses a token. <paramref name="logits"/> is modified in place (it is the engine's scratch row).</summary>
    public int Sample(Span<float> logits)
    {
        ApplyPenalties(logits);
        if (_options.Temperature <= 0f)
        {
            return ArgMax(logits);
        }

        var n = logits.Length;
        if (_order.Length != n)
        {
            _order = new int[n];
            _probabilities = new float[n];
        }

        var inverse = 1f / _options.Temperature;
        var max = float.NegativeInfinity;
        for (var i = 0; i < n; i++)
        {
            max = MathF.Max(max, logits[i]);
        }

        var probabilities = _probabilities;
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            var p = MathF.Exp((logits[i] - max) * inverse);
            probabilities[i] = p;
            sum += p;
        }

        var truncated = _options.TopK > 0 || _options.TopP < 1f || _options.MinP > 0f;
        if (!truncated)
        {
            return Draw(probabilities.AsSpan(0, n), null, sum);
        }

        // Order candidates by probability, most likely first, then cut.
        for (var i = 0; i < n; i++)
        {
            _order[i] = i;
        }

        Array.Sort(_order, (a, b) => probabilities[b].CompareTo(probabilities[a]));
        var count = _options.TopK > 0 ? Math.Min(_options.TopK, n) : n;
        if (_options.MinP > 0f)
        {
            var floor = probabilities[_order[0]] * _options.MinP;
            var kept = 1;
            while (kept < count && probabilities[_order[kept]] >= floor)
            {
                kept++;
            }

            count = kept;
        }

        var total = 0.0;
        for (var i = 0; i < count; i++)
        {
            total += probabilities[_order[i]];
        }

        if (_options.TopP < 1f)
        {
            var cumulative = 0.0;
            var kept = 0;
            while (kept < count)
            {
                cumulative += probabilities[_order[kept]] / total;
                kept++;
                if (cumulative >= _options.TopP)
                {
                    break;
                }
            }

            count = kept;
            total = 0;
            for (var i = 0; i < count; i++)
            {
                total += probabilities[_order[i]];
            }
        }

        return Draw(probabilities, _order.AsSpan(0, count), total);
    }

    private int Draw(Span<float> probabilities, Span<int> candidates, double total)
    {
        var target = _random.NextDouble() * total;
        var cumulative = 0.0;
        if (candidates.IsEmpty)
        {
            for (var i = 0; i < probabilities.Length; i++)
            {
                cumulative += probabilities[i];
                if (cumulative >= target)
                {
                    return i;
                }
            }

            return ArgMax(probabilities);
        }

        for (var i = 0; i < candidates.Length; i++)
        {
            cumulative += probabilities[candidates[i]];
            if (cumulative >= target)
            {
                return candidates[i];
            }
        }

        return candidates[^1];
    }

    private void ApplyPenalties(Span<float> logits)
    {
        if (_options.RepetitionPenalty != 1f)
        {
            var penalty = _options.RepetitionPenalty;
            foreach (var token in _seen)
            {
                logits[token] = logits[token] > 0 ? logits[token] / penalty : logits[token] * penalty;
            }
        }

        if (_options.PresencePenalty != 0f || _options.FrequencyPenalty != 0f)
        {
            foreach (var (token, count) in _generatedCounts)
            {
                logits[token] -= _options.PresencePenalty + (_options.FrequencyPenalty * count);
            }
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Maas.Benchmarks.Llm;

/// <summary>One streamed completion as the client saw it: when it was sent and when each event arrived.</summary>
internal sealed record StreamTiming(long SentAt, List<long> EventTimes, int CompletionTokens, int PromptTokens)
{
    /// <summary>usage.prompt_tokens_details.cached_tokens: prompt tokens served from the prefix cache.</summary>
    public int CachedTokens { get; init; }

    public TimeSpan TimeToFirstToken => Stopwatch.GetElapsedTime(SentAt, EventTimes[0]);

    /// <summary>Tokens/s after the first token.</summary>
    public double DecodeRate => (EventTimes.Count - 1) / Stopwatch.GetElapsedTime(EventTimes[0], EventTimes[^1]).TotalSeconds;

    public IEnumerable<double> Gaps(long from = 0, long to = long.MaxValue)
    {
        for (var i = 1; i < EventTimes.Count; i++)
        {
            if (EventTimes[i] >= from && EventTimes[i] <= to)
            {
                yield return Stopwatch.GetElapsedTime(EventTimes[i - 1], EventTimes[i]).TotalSeconds;
            }
        }
    }
}

/// <summary>Streams <c>POST /v1/completions</c> and timestamps every token event.</summary>
internal sealed class StreamClient(HttpClient http, string model)
{
    public async Task<StreamTiming> CompleteAsync(string prompt, int maxTokens, Action<int>? onEvent = null)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["prompt"] = prompt,
            ["max_tokens"] = maxTokens,
            ["temperature"] = 0,
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/completions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        var sent = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var times = new List<long>(maxTokens);
        int completion = 0, promptTokens = 0, cached = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal))
            {
                continue;
            }

            var now = Stopwatch.GetTimestamp();
            var json = JsonNode.Parse(line.AsSpan(6).ToString())!;
            if (json["usage"] is JsonObject usage)
            {
                completion = (int)usage["completion_tokens"]!;
                promptTokens = (int)usage["prompt_tokens"]!;
                cached = (int?)usage["prompt_tokens_details"]?["cached_tokens"] ?? 0;
            }

            if (json["choices"] is JsonArray { Count: > 0 } choices && ((string?)choices[0]!["text"])?.Length > 0)
            {
                times.Add(now);
                onEvent?.Invoke(times.Count);
            }
        }

        return new StreamTiming(sent, times, completion, promptTokens) { CachedTokens = cached };
    }
}

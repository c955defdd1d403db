using System.Text.Json;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// The server's own statistics for one model (<c>GET /v2/models/{m}/stats</c>, Triton's shape):
/// cumulative counts and nanoseconds. Two snapshots give the mean time per request that the server
/// spent queued, in the engine, and from enqueue to answer — so the client's latency splits into
/// engine, scheduler and everything around it (HTTP, parse, write, thread hops).
/// </summary>
internal sealed record ServerStats(long Requests, long SuccessNs, long QueueNs, long InferCount, long InferNs)
{
    /// <summary>Reads the statistics of <paramref name="model"/>; null when the server has none.</summary>
    public static ServerStats? Read(HttpClient client, Uri baseAddress, string model)
    {
        try
        {
            using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, $"v2/models/{model}/stats")));
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var document = JsonDocument.Parse(response.Content.ReadAsStream());
            var stats = document.RootElement.GetProperty("model_stats")[0].GetProperty("inference_stats");
            var success = stats.GetProperty("success");
            var queue = stats.GetProperty("queue");
            var infer = stats.GetProperty("compute_infer");
            return new ServerStats(
                success.GetProperty("count").GetInt64(),
                success.GetProperty("ns").GetInt64(),
                queue.GetProperty("ns").GetInt64(),
                infer.GetProperty("count").GetInt64(),
                infer.GetProperty("ns").GetInt64());
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Mean microseconds per request between two snapshots: (end-to-end in the server, queued, engine).</summary>
    public static (double Success, double Queue, double Infer)? MeanBetween(ServerStats? before, ServerStats? after)
    {
        if (before is null || after is null || after.Requests <= before.Requests || after.InferCount <= before.InferCount)
        {
            return null;
        }

        double requests = after.Requests - before.Requests;
        return (
            (after.SuccessNs - before.SuccessNs) / requests / 1000,
            (after.QueueNs - before.QueueNs) / requests / 1000,
            (after.InferNs - before.InferNs) / (double)(after.InferCount - before.InferCount) / 1000);
    }
}

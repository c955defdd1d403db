using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Maas.Benchmarks.Load;

/// <summary>
/// How a model's requests were batched, from its statistics (<c>GET /v2/models/{m}/stats</c>,
/// Triton's shape): requests answered, engine executions, and per batch size (rows) from
/// <c>batch_stats</c> the executions and their engine time (<c>compute_infer</c> ns). Snapshots are
/// cumulative; <see cref="Between"/> gives one window's share.
/// </summary>
internal sealed record BatchStats(long Requests, long Executions, IReadOnlyDictionary<long, long> ExecutionsBySize, IReadOnlyDictionary<long, long> InferNsBySize)
{
    /// <summary>Reads the statistics of <paramref name="model"/>; null when the server has none.</summary>
    public static BatchStats? Read(HttpClient client, Uri baseAddress, string model)
    {
        try
        {
            using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, $"v2/models/{model}/stats")));
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var document = JsonDocument.Parse(response.Content.ReadAsStream());
            var stats = document.RootElement.GetProperty("model_stats")[0];
            var bySize = new Dictionary<long, long>();
            var nsBySize = new Dictionary<long, long>();
            foreach (var batch in stats.GetProperty("batch_stats").EnumerateArray())
            {
                var size = batch.GetProperty("batch_size").GetInt64();
                var infer = batch.GetProperty("compute_infer");
                bySize[size] = infer.GetProperty("count").GetInt64();
                nsBySize[size] = infer.GetProperty("ns").GetInt64();
            }

            return new BatchStats(
                stats.GetProperty("inference_stats").GetProperty("success").GetProperty("count").GetInt64(),
                stats.GetProperty("execution_count").GetInt64(),
                bySize,
                nsBySize);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>What happened between two snapshots; null when either is missing.</summary>
    public static BatchStats? Between(BatchStats? before, BatchStats? after)
    {
        if (before is null || after is null)
        {
            return null;
        }

        var bySize = new Dictionary<long, long>();
        var nsBySize = new Dictionary<long, long>();
        foreach (var (size, count) in after.ExecutionsBySize)
        {
            var delta = count - before.ExecutionsBySize.GetValueOrDefault(size);
            if (delta > 0)
            {
                bySize[size] = delta;
                nsBySize[size] = after.InferNsBySize.GetValueOrDefault(size) - before.InferNsBySize.GetValueOrDefault(size);
            }
        }

        return new BatchStats(after.Requests - before.Requests, after.Executions - before.Executions, bySize, nsBySize);
    }

    /// <summary>The sum of several windows' statistics; null when any is missing.</summary>
    public static BatchStats? Sum(IEnumerable<BatchStats?> windows)
    {
        long requests = 0;
        long executions = 0;
        var bySize = new Dictionary<long, long>();
        var nsBySize = new Dictionary<long, long>();
        foreach (var window in windows)
        {
            if (window is null)
            {
                return null;
            }

            requests += window.Requests;
            executions += window.Executions;
            foreach (var (size, count) in window.ExecutionsBySize)
            {
                bySize[size] = bySize.GetValueOrDefault(size) + count;
                nsBySize[size] = nsBySize.GetValueOrDefault(size) + window.InferNsBySize.GetValueOrDefault(size);
            }
        }

        return new BatchStats(requests, executions, bySize, nsBySize);
    }

    /// <summary>Mean rows per engine execution.</summary>
    public double MeanBatch
    {
        get
        {
            long rows = 0;
            long executions = 0;
            foreach (var (size, count) in ExecutionsBySize)
            {
                rows += size * count;
                executions += count;
            }

            return executions == 0 ? 0 : (double)rows / executions;
        }
    }

    /// <summary>The server's engine time (compute_infer) per row, in microseconds, over every batch size; NaN without executions.</summary>
    public double EngineMicrosPerRow
    {
        get
        {
            long rows = 0;
            long ns = 0;
            foreach (var (size, count) in ExecutionsBySize)
            {
                rows += size * count;
                ns += InferNsBySize.GetValueOrDefault(size);
            }

            return rows == 0 ? double.NaN : ns / 1000.0 / rows;
        }
    }

    /// <summary>e.g. "mean 7.6; 1: 40%, 15: 55%, 16: 5%" (share of executions per batch size, the largest few).</summary>
    public string Describe(int top = 4)
    {
        long executions = 0;
        foreach (var count in ExecutionsBySize.Values)
        {
            executions += count;
        }

        if (executions == 0)
        {
            return "–";
        }

        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"mean {MeanBatch:0.0}"));
        var shown = ExecutionsBySize.OrderByDescending(e => e.Value).Take(top).OrderBy(e => e.Key).ToList();
        text.Append("; ");
        text.AppendJoin(", ", shown.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}: {100.0 * e.Value / executions:0}%")));
        if (ExecutionsBySize.Count > shown.Count)
        {
            text.Append(", …");
        }

        return text.ToString();
    }
}

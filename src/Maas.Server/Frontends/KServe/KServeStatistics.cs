using Maas.Core.Lifecycle;
using Maas.Core.Routing;
using Maas.Core.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.Server.Frontends.KServe;

/// <summary>A count and cumulative nanoseconds.</summary>
internal sealed record StatDurationResponse(long Count, long Ns);

/// <summary>Triton's <c>inference_stats</c>.</summary>
internal sealed record InferStatsResponse(StatDurationResponse Success, StatDurationResponse Fail, StatDurationResponse Queue, StatDurationResponse ComputeInput, StatDurationResponse ComputeInfer, StatDurationResponse ComputeOutput, StatDurationResponse CacheHit, StatDurationResponse CacheMiss);

/// <summary>Triton's <c>batch_stats</c> entry.</summary>
internal sealed record BatchStatsResponse(long BatchSize, StatDurationResponse ComputeInput, StatDurationResponse ComputeInfer, StatDurationResponse ComputeOutput);

/// <summary>One model version's statistics.</summary>
internal sealed record ModelStatsResponse(string Name, string Version, long LastInference, long InferenceCount, long ExecutionCount, InferStatsResponse InferenceStats, IReadOnlyList<BatchStatsResponse> BatchStats);

/// <summary><c>GET /v2/models[/{m}[/versions/{v}]]/stats</c>.</summary>
internal sealed record ModelStatsListResponse(IReadOnlyList<ModelStatsResponse> ModelStats);

/// <summary>The statistics extension, in the shape Triton answers it.</summary>
internal static class KServeStatistics
{
    private static readonly StatDurationResponse Zero = new(0, 0);

    public static Task AllAsync(HttpContext context)
    {
        var manager = context.RequestServices.GetRequiredService<ModelManager>();
        var list = new List<ModelStatsResponse>();
        foreach (var model in manager.Models.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            AddReady(model, list);
        }

        return WriteAsync(context, list);
    }

    public static Task ModelAsync(HttpContext context)
    {
        var router = context.RequestServices.GetRequiredService<ModelRouter>();
        var model = router.ResolveModel(KServeEndpoints.RouteValue(context, "model")!);
        var version = KServeEndpoints.RouteValue(context, "version");
        var list = new List<ModelStatsResponse>();
        if (version is null)
        {
            AddReady(model, list);
        }
        else
        {
            list.Add(Describe(ModelRouter.FindVersion(model, version)));
        }

        return WriteAsync(context, list);
    }

    private static void AddReady(ServedModel model, List<ModelStatsResponse> list)
    {
        foreach (var version in model.Versions)
        {
            if (version.State == ModelVersionState.Ready)
            {
                list.Add(Describe(version));
            }
        }
    }

    private static Task WriteAsync(HttpContext context, List<ModelStatsResponse> list) =>
        context.Response.WriteAsJsonAsync(new ModelStatsListResponse(list), KServeJsonContext.Default.ModelStatsListResponse, contentType: null, context.RequestAborted);

    private static ModelStatsResponse Describe(ModelVersion version)
    {
        var s = version.Statistics;
        var batches = new List<BatchStatsResponse>();
        foreach (var batch in s.Batches)
        {
            batches.Add(new BatchStatsResponse(batch.BatchSize, Of(batch.ComputeInput), Of(batch.ComputeInfer), Of(batch.ComputeOutput)));
        }

        var inference = new InferStatsResponse(Of(s.Success), Of(s.Fail), Of(s.Queue), Of(s.ComputeInput), Of(s.ComputeInfer), Of(s.ComputeOutput), Of(s.CacheHit), Of(s.CacheMiss));
        return new ModelStatsResponse(version.ModelName, version.VersionText, s.LastInferenceMs, s.InferenceCount, s.ExecutionCount, inference, batches);
    }

    private static StatDurationResponse Of(DurationStatistic statistic) => new(statistic.Count, statistic.Nanoseconds);
}

using System.Diagnostics;
using System.Globalization;
using Maas.Inference;
using Microsoft.AspNetCore.Http;

namespace Maas.Server.Observability;

/// <summary>
/// Per-request timing for clients and tracers: a <c>Server-Timing</c> header
/// (<c>queue;dur=0.012, compute;dur=3.104</c>, milliseconds) and child spans of the request's
/// span — <c>maas.queue</c>, <c>maas.compute</c>, <c>maas.serialize</c> — from the
/// <see cref="SourceName"/> activity source. Spans carry the model, version and batch size, never
/// payloads or request ids (a client's id may itself be personal data).
/// </summary>
public static class RequestTracing
{
    /// <summary>The activity source of Maas's spans (add it to a tracer provider to export them).</summary>
    public const string SourceName = "Maas.Server";

    private static readonly ActivitySource Source = new(SourceName, ServerInfo.Version);

    /// <summary>
    /// Reports a response's scheduler timing: the Server-Timing header (if the response has not
    /// started) and the queue and compute spans, placed after <paramref name="calledAt"/> (the
    /// <see cref="Stopwatch"/> timestamp when the request was handed to the scheduler).
    /// </summary>
    public static void Record(HttpContext context, InferenceResponse response, long calledAt)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(response);
        var timing = response.Timing;
        if (!context.Response.HasStarted)
        {
            context.Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"queue;dur={timing.Queue.TotalMilliseconds:0.###}, compute;dur={timing.Compute.TotalMilliseconds:0.###}");
        }

        if (!Source.HasListeners())
        {
            return;
        }

        var start = DateTime.UtcNow - Stopwatch.GetElapsedTime(calledAt);
        Span("maas.queue", start, timing.Queue, response, timing);
        Span("maas.compute", start + timing.Queue, timing.Compute, response, timing);
    }

    /// <summary>Records the time spent writing the answer since <paramref name="startedAt"/> (a Stopwatch timestamp).</summary>
    public static void RecordSerialize(InferenceResponse response, long startedAt)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (Source.HasListeners())
        {
            var elapsed = Stopwatch.GetElapsedTime(startedAt);
            Span("maas.serialize", DateTime.UtcNow - elapsed, elapsed, response, response.Timing);
        }
    }

    private static void Span(string name, DateTime start, TimeSpan duration, InferenceResponse response, InferenceTiming timing)
    {
        using var activity = Source.StartActivity(name, ActivityKind.Internal, parentContext: default, startTime: start);
        if (activity is null)
        {
            return;
        }

        activity.SetTag("maas.model", response.ModelName);
        activity.SetTag("maas.version", response.ModelVersion);
        activity.SetTag("maas.batch_requests", timing.BatchRequests);
        activity.SetEndTime(start + duration);
    }
}

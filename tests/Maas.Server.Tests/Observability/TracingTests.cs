using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Maas.Server.Observability;
using Maas.Server.Tests.Support;
using static Maas.Server.Tests.Support.KServeJson;

namespace Maas.Server.Tests.Observability;

/// <summary>Server-Timing and the trace spans of a request, and that they carry no payload.</summary>
public sealed class TracingTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private const string Secret = "TRACE-PAYLOAD-5d1e";
    private readonly ConcurrentQueue<Activity> _spans = new();
    private ActivityListener? _listener;

    private void Listen()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RequestTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener?.Dispose();

    [Fact]
    public async Task Infer_AnswersWithServerTiming_AndEmitsQueueComputeAndSerializeSpans_WithoutPayloads()
    {
        Listen();
        var body = new JsonObject
        {
            ["id"] = Secret,
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = "x", ["shape"] = new JsonArray(1), ["datatype"] = "BYTES", ["data"] = new JsonArray(Secret) }),
        };

        using var response = await server.Client.PostAsync("/v2/models/identity-bytes/infer", Json(body));

        var timing = Assert.Single(response.Headers.GetValues("Server-Timing"));
        Assert.Matches(@"^queue;dur=[0-9.]+, compute;dur=[0-9.]+$", timing);
        var spans = _spans.Where(s => (string?)s.GetTagItem("maas.model") == "identity-bytes").ToList();
        Assert.Equal(["maas.compute", "maas.queue", "maas.serialize"], spans.Select(s => s.OperationName).Distinct().Order());
        Assert.All(spans, s => Assert.Equal("1", s.GetTagItem("maas.version")));
        Assert.All(spans, s => Assert.True(s.Duration >= TimeSpan.Zero));
        Assert.DoesNotContain(spans.SelectMany(s => s.TagObjects), t => t.Value?.ToString()?.Contains(Secret, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task TfServingPredict_AnswersWithServerTimingToo()
    {
        using var tf = await server.Client.PostAsync("/v1/models/identity-fp32:predict", Json("""{"instances": [1.5]}"""));

        Assert.Contains("compute;dur=", Assert.Single(tf.Headers.GetValues("Server-Timing")));
    }
}

using Maas.Benchmarks.Micro;
using Maas.Benchmarks.Payloads;
using Maas.Core.Lifecycle;
using Maas.Server.Frontends.KServe;
using Microsoft.AspNetCore.Http;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// Maas's own infer path without HTTP, in this process: the binary body parsed by
/// <see cref="KServeInferRequestParser"/>, run through <see cref="ModelVersion.InferAsync"/> (validation,
/// the scheduler's queue and worker, OrtValue binding, output copy) and written by
/// <see cref="KServeInferResponseWriter"/> to a body that discards it. So (this − baseline) is what
/// Maas's core adds and (server − this) what HTTP, Kestrel and the second process add.
/// </summary>
/// <remarks>
/// The scheduler runs the engine on a thread-pool thread, and this process's thread pool lives on
/// the client CPU (threads inherit the affinity of their creator), so this target runs there too:
/// one core, like the server, but not the baseline's core.
/// </remarks>
internal sealed class MaasCoreTarget : ITarget
{
    private readonly ModelVersion _version;
    private readonly string _model;
    private readonly byte[] _body;
    private readonly int _jsonLength;
    private readonly DefaultHttpContext _context = new();

    public MaasCoreTarget(ModelManager manager, ModelPayload payload)
    {
        _model = payload.Model;
        _version = manager.Find(_model)?.DefaultVersion ?? throw new InvalidOperationException($"The in-process Maas has no ready version of '{_model}'.");
        _body = KServeBodies.Binary(payload, out _jsonLength);
        _context.Response.Body = Stream.Null;
    }

    public string Name => "maas in-proc";

    public bool OnEngineCpu => false;

    public void Invoke()
    {
        using var request = KServeInferRequestParser.Parse(_model, null, _body, _jsonLength, NoOwner.Instance);
        using var response = _version.InferAsync(request, CancellationToken.None).GetAwaiter().GetResult();
        // Stream.Null completes synchronously.
        KServeInferResponseWriter.WriteAsync(_context.Response, request, response, CancellationToken.None).GetAwaiter().GetResult();
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;

namespace Maas.Server.Security;

/// <summary>
/// The audit log (<c>--audit-log FILE</c>): one JSON line per request — time, key id, method,
/// route, model, version, status, latency and sizes, never a payload. Lines are queued and
/// appended by one background writer, so a slow disk never stalls a request; if the queue (64k
/// lines) is full, lines are dropped and the drop count is written with the next line.
/// </summary>
public sealed class AuditLog : IAsyncDisposable
{
    private readonly Channel<AuditRecord> _queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(1 << 16) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Task _writer;
    private long _dropped;

    /// <summary>Appends to <paramref name="path"/> (created if missing).</summary>
    public AuditLog(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _writer = Task.Run(WriteAllAsync);
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>Queues one record.</summary>
    public void Write(AuditRecord record)
    {
        if (!_queue.Writer.TryWrite(record))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private async Task WriteAllAsync()
    {
        await using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
        var newline = "\n"u8.ToArray();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_queue.Reader.TryRead(out var record))
            {
                var dropped = Interlocked.Exchange(ref _dropped, 0);
                var line = JsonSerializer.SerializeToUtf8Bytes(dropped == 0 ? record : record with { DroppedBefore = dropped }, AuditJsonContext.Default.AuditRecord);
                await file.WriteAsync(line).ConfigureAwait(false);
                await file.WriteAsync(newline).ConfigureAwait(false);
            }

            await file.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes what is queued and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }
}

/// <summary>One audited request.</summary>
/// <param name="Time">When the request arrived (UTC).</param>
/// <param name="Key">The id of the key that authenticated it; null without one.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Route">The path, without the query string.</param>
/// <param name="Model">The model it named, if any.</param>
/// <param name="Version">The version it named, if any.</param>
/// <param name="Status">HTTP status.</param>
/// <param name="GrpcStatus">gRPC status code, for gRPC calls.</param>
/// <param name="LatencyMs">Arrival to last byte written, in milliseconds.</param>
/// <param name="RequestBytes">Request body size, when the request declared it.</param>
/// <param name="ResponseBytes">Response body size, when the response declared it.</param>
public sealed record AuditRecord(
    DateTimeOffset Time,
    string? Key,
    string Method,
    string Route,
    string? Model,
    string? Version,
    int Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? GrpcStatus,
    double LatencyMs,
    long? RequestBytes,
    long? ResponseBytes)
{
    /// <summary>Lines dropped (queue full) before this one; absent when none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long DroppedBefore { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AuditRecord))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;

using System.Net;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Maas.Buffers;
using Maas.Tensors;

namespace Maas.Client.Http;

/// <summary>
/// The body of a KServe v2 REST infer request. In binary form it is the JSON header followed by
/// each input's bytes, written straight from the caller's tensors (no copy into one buffer); in
/// JSON form every input carries a <c>data</c> array. Owns a pooled buffer: dispose it.
/// </summary>
internal sealed class InferRequestContent : HttpContent
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private static readonly MediaTypeHeaderValue BinaryType = new("application/octet-stream");

    private readonly PooledBufferWriter _header = new(1024);
    private readonly InferRequest _request;
    private readonly bool _binary;
    private readonly long _length;

    public InferRequestContent(InferRequest request, bool binary)
    {
        _request = request;
        _binary = binary;
        using (var writer = new Utf8JsonWriter(_header, WriterOptions))
        {
            WriteHeader(writer);
        }

        _length = _header.WrittenCount;
        if (binary)
        {
            foreach (var input in request.Inputs)
            {
                _length += input.Data.Length;
            }
        }

        Headers.ContentType = binary ? BinaryType : JsonType;
    }

    /// <summary>The JSON part's length in a binary body (the <c>Inference-Header-Content-Length</c>), else null.</summary>
    public int? HeaderLength => _binary ? _header.WrittenCount : null;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(_header.WrittenMemory, cancellationToken).ConfigureAwait(false);
        if (_binary)
        {
            foreach (var input in _request.Inputs)
            {
                await stream.WriteAsync(input.Data, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        stream.Write(_header.WrittenSpan);
        if (_binary)
        {
            foreach (var input in _request.Inputs)
            {
                stream.Write(input.Data.Span);
            }
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _header.Dispose();
        }

        base.Dispose(disposing);
    }

    private void WriteHeader(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (_request.Id is { } id)
        {
            writer.WriteString("id"u8, id);
        }

        // With the binary extension and no named outputs, ask for every output in binary form.
        var allOutputsBinary = _binary && _request.Outputs.Count == 0;
        if (_request.Parameters.Count > 0 || allOutputsBinary)
        {
            writer.WriteStartObject("parameters"u8);
            foreach (var (key, value) in _request.Parameters)
            {
                writer.WritePropertyName(key);
                WriteParameter(writer, key, value);
            }

            if (allOutputsBinary)
            {
                writer.WriteBoolean("binary_data_output"u8, true);
            }

            writer.WriteEndObject();
        }

        writer.WriteStartArray("inputs"u8);
        foreach (var input in _request.Inputs)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, input.Name);
            writer.WriteStartArray("shape"u8);
            foreach (var dim in input.Shape)
            {
                writer.WriteNumberValue(dim);
            }

            writer.WriteEndArray();
            writer.WriteString("datatype"u8, input.DataType.WireName());
            if (_binary)
            {
                writer.WriteStartObject("parameters"u8);
                writer.WriteNumber("binary_data_size"u8, input.Data.Length);
                writer.WriteEndObject();
            }
            else
            {
                writer.WritePropertyName("data"u8);
                JsonTensorValues.Write(writer, input);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (_request.Outputs.Count > 0)
        {
            writer.WriteStartArray("outputs"u8);
            foreach (var output in _request.Outputs)
            {
                writer.WriteStartObject();
                writer.WriteString("name"u8, output);
                if (_binary)
                {
                    writer.WriteStartObject("parameters"u8);
                    writer.WriteBoolean("binary_data"u8, true);
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteParameter(Utf8JsonWriter writer, string key, object value)
    {
        switch (value)
        {
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case ulong u:
                writer.WriteNumberValue(u);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            default:
                throw new ArgumentException($"Parameter '{key}' is a {value.GetType().Name}; parameters are bool, int, long, ulong, double or string.", nameof(value));
        }
    }
}

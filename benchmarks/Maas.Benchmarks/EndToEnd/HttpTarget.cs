using System.Net.Http.Headers;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// One HTTP request shape against the server: a pre-built body sent with the synchronous
/// <see cref="HttpClient.Send(HttpRequestMessage, HttpCompletionOption)"/> over one kept-alive
/// connection, the response read to the end into a reused buffer.
/// </summary>
internal sealed class HttpTarget : ITarget, IDisposable
{
    private readonly HttpClient _client;
    private readonly Uri _uri;
    private readonly ByteArrayContent? _content;
    private readonly string? _headerLength;
    private readonly byte[] _sink = new byte[64 * 1024];

    public HttpTarget(string name, HttpClient client, Uri uri, byte[]? body, string contentType, int? jsonLength)
    {
        Name = name;
        _client = client;
        _uri = uri;
        BodyLength = body?.Length ?? 0;
        if (body is not null)
        {
            // Reused for every request: HttpClient does not dispose request content.
            _content = new ByteArrayContent(body);
            _content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        _headerLength = jsonLength?.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Name { get; }

    public bool OnEngineCpu => false;

    public int BodyLength { get; }

    public void Invoke()
    {
        using var response = _client.Send(CreateRequest(), HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{Name}: {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        using var stream = response.Content.ReadAsStream();
        while (stream.Read(_sink) > 0)
        {
        }
    }

    /// <summary>One request with the whole response kept: status, JSON-part length header and body.</summary>
    public (int Status, int? HeaderLength, byte[] Body) Fetch()
    {
        using var response = _client.Send(CreateRequest(), HttpCompletionOption.ResponseContentRead);
        var body = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        int? headerLength = response.Headers.TryGetValues(Payloads.KServeBodies.HeaderLengthHeader, out var values)
            ? int.Parse(values.First(), System.Globalization.CultureInfo.InvariantCulture)
            : null;
        return ((int)response.StatusCode, headerLength, body);
    }

    public void Dispose() => _content?.Dispose();

    // Not disposed after use: disposing the message would dispose the shared content.
    private HttpRequestMessage CreateRequest()
    {
        var request = new HttpRequestMessage(_content is null ? HttpMethod.Get : HttpMethod.Post, _uri) { Content = _content };
        if (_headerLength is not null)
        {
            request.Headers.TryAddWithoutValidation(Payloads.KServeBodies.HeaderLengthHeader, _headerLength);
        }

        return request;
    }
}

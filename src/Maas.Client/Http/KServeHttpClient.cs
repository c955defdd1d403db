using System.Net;
using System.Text.Json;
using Maas.Errors;

namespace Maas.Client.Http;

/// <summary>
/// KServe v2 over REST, as Maas and Triton serve it. By default tensors travel in the binary
/// tensor data extension both ways (raw bytes after a JSON header, no per-element text); set
/// <see cref="BinaryData"/> to false for plain JSON bodies.
/// </summary>
public sealed class KServeHttpClient : IInferenceClient
{
    /// <summary>The header that gives the JSON part's length in a binary body.</summary>
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>A client for the server at <paramref name="address"/> (e.g. <c>http://localhost:8000</c>).</summary>
    public KServeHttpClient(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        _http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = address,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _ownsHttp = true;
    }

    /// <summary>
    /// A client over <paramref name="httpClient"/>, which the caller owns and whose
    /// <see cref="HttpClient.BaseAddress"/> is the server's address.
    /// </summary>
    public KServeHttpClient(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        if (httpClient.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress: the server's address, e.g. http://localhost:8000.", nameof(httpClient));
        }

        _http = httpClient;
    }

    /// <summary>
    /// Send inputs and ask for outputs in the binary tensor data extension (default true). False
    /// sends and receives JSON <c>data</c> arrays; NaN and infinities then cannot be sent.
    /// </summary>
    public bool BinaryData { get; init; } = true;

    /// <inheritdoc/>
    public Task<bool> IsServerLiveAsync(CancellationToken cancellationToken = default) =>
        GetBooleanAsync("v2/health/live", cancellationToken);

    /// <inheritdoc/>
    public Task<bool> IsServerReadyAsync(CancellationToken cancellationToken = default) =>
        GetBooleanAsync("v2/health/ready", cancellationToken);

    /// <inheritdoc/>
    public Task<bool> IsModelReadyAsync(string model, string? version = null, CancellationToken cancellationToken = default) =>
        GetBooleanAsync(ModelPath(model, version) + "/ready", cancellationToken);

    /// <inheritdoc/>
    public async Task<ServerMetadata> GetServerMetadataAsync(CancellationToken cancellationToken = default)
    {
        var body = await GetJsonAsync("v2", cancellationToken).ConfigureAwait(false);
        var json = Deserialize(body, ClientJsonContext.Default.ServerMetadataJson);
        return new ServerMetadata(json.Name ?? "", json.Version ?? "", json.Extensions ?? []);
    }

    /// <inheritdoc/>
    public async Task<ModelMetadata> GetModelMetadataAsync(string model, string? version = null, CancellationToken cancellationToken = default)
    {
        var body = await GetJsonAsync(ModelPath(model, version), cancellationToken).ConfigureAwait(false);
        var json = Deserialize(body, ClientJsonContext.Default.ModelMetadataJson);
        static TensorSpec[] Specs(TensorMetadataJson[]? tensors) =>
            tensors is null ? [] : [.. tensors.Select(t => new TensorSpec(t.Name ?? "", t.Datatype ?? "", t.Shape ?? []))];
        return new ModelMetadata(json.Name ?? model, json.Versions ?? [], json.Platform ?? "", Specs(json.Inputs), Specs(json.Outputs));
    }

    /// <inheritdoc/>
    public async Task<InferResult> InferAsync(InferRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var content = new InferRequestContent(request, BinaryData);
        using var message = new HttpRequestMessage(HttpMethod.Post, ModelPath(request.ModelName, request.ModelVersion) + "/infer") { Content = content };
        if (content.HeaderLength is { } headerLength)
        {
            message.Headers.TryAddWithoutValidation(HeaderLengthHeader, headerLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfFailed(response, body);
        return InferResponseReader.Read(body, ResponseHeaderLength(response, body.Length));
    }

    /// <summary>
    /// The repository index (<c>POST /v2/repository/index</c>): every model and version the server
    /// knows, with its state; <paramref name="readyOnly"/> lists only the ready ones.
    /// </summary>
    public async Task<IReadOnlyList<RepositoryModel>> GetRepositoryIndexAsync(bool readyOnly = false, CancellationToken cancellationToken = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "v2/repository/index")
        {
            Content = readyOnly ? JsonBody("{\"ready\": true}") : null,
        };
        var body = await SendForBodyAsync(message, cancellationToken).ConfigureAwait(false);
        var rows = Deserialize(body, ClientJsonContext.Default.RepositoryIndexJsonArray);
        return [.. rows.Select(r => new RepositoryModel(r.Name ?? "", r.Version, r.State ?? "", r.Reason ?? ""))];
    }

    /// <summary>
    /// Loads or reloads <paramref name="model"/> from the server's repository
    /// (<c>POST /v2/repository/models/{m}/load</c>), with <paramref name="configJson"/> in place of its
    /// config.json when given. Completes once the model serves; throws with the server's reasons otherwise.
    /// Needs a server started with <c>--model-control-mode explicit</c>.
    /// </summary>
    public async Task LoadModelAsync(string model, string? configJson = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        var body = configJson is null ? null : JsonBody("{\"parameters\": {\"config\": " + JsonSerializer.Serialize(configJson, ClientJsonContext.Default.String) + "}}");
        using var message = new HttpRequestMessage(HttpMethod.Post, "v2/repository/models/" + Uri.EscapeDataString(model) + "/load") { Content = body };
        await SendForBodyAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unloads <paramref name="model"/> (<c>POST /v2/repository/models/{m}/unload</c>); requests already running finish first.</summary>
    public async Task UnloadModelAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        using var message = new HttpRequestMessage(HttpMethod.Post, "v2/repository/models/" + Uri.EscapeDataString(model) + "/unload");
        await SendForBodyAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static string ModelPath(string model, string? version)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        var path = "v2/models/" + Uri.EscapeDataString(model);
        return string.IsNullOrEmpty(version) ? path : path + "/versions/" + Uri.EscapeDataString(version);
    }

    // Readiness is a boolean the server states with 200 (true) or 400 (false); anything else is a failure.
    private async Task<bool> GetBooleanAsync(string path, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest)
        {
            return response.StatusCode == HttpStatusCode.OK;
        }

        ThrowIfFailed(response, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        return false;
    }

    private async Task<byte[]> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendForBodyAsync(message, cancellationToken).ConfigureAwait(false);
    }

    private async Task<byte[]> SendForBodyAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfFailed(response, body);
        return body;
    }

    private static ByteArrayContent JsonBody(string json)
    {
        var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new MaasClientException(MaasErrorCode.Unavailable, $"Could not reach the server at {_http.BaseAddress}: {ex.Message}", innerException: ex);
        }
    }

    private static int? ResponseHeaderLength(HttpResponseMessage response, int bodyLength)
    {
        if (!response.Headers.TryGetValues(HeaderLengthHeader, out var values))
        {
            return null;
        }

        var text = values.FirstOrDefault();
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length) && length <= bodyLength
            ? length
            : throw new MaasClientException($"The server's {HeaderLengthHeader} header is '{text}', which is not a length within the {bodyLength}-byte body.");
    }

    private static void ThrowIfFailed(HttpResponseMessage response, byte[] body)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var message = ErrorMessage(body) ?? $"HTTP {status} {response.ReasonPhrase}";
        throw new MaasClientException(MaasClientException.CodeFromHttp(status), message, httpStatus: status);
    }

    // The protocol's error body is {"error": "..."}; anything else is reported by status alone.
    private static string? ErrorMessage(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isError = reader.ValueTextEquals("error");
                reader.Read();
                if (isError && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static T Deserialize<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new MaasClientException("The server answered 'null' where an object was expected.");
        }
        catch (JsonException ex)
        {
            throw new MaasClientException($"The server's answer is not the JSON the protocol describes: {ex.Message}", ex);
        }
    }
}

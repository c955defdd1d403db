using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Maas.Server.Tests.Support;

/// <summary>Builds KServe v2 request bodies the way a client library would, and reads answers.</summary>
internal static class KServeJson
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(JsonNode node) => Json(node.ToJsonString());

    /// <summary>A body in the binary tensor data extension: JSON header, then the raw tensors in order.</summary>
    public static ByteArrayContent Binary(string jsonHeader, params byte[][] tensors)
    {
        var header = Encoding.UTF8.GetBytes(jsonHeader);
        var body = new byte[header.Length + tensors.Sum(t => t.Length)];
        header.CopyTo(body, 0);
        var offset = header.Length;
        foreach (var tensor in tensors)
        {
            tensor.CopyTo(body, offset);
            offset += tensor.Length;
        }

        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return content;
    }

    public static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("empty JSON");
    }

    public static async Task<string> ReadErrorAsync(HttpResponseMessage response)
    {
        var json = await ReadJsonAsync(response);
        return json["error"]?.GetValue<string>() ?? throw new InvalidOperationException($"No 'error' in {json}");
    }

    /// <summary>Splits a binary-extension response into its JSON header and the bytes after it.</summary>
    public static async Task<(JsonNode Header, byte[] Binary)> ReadBinaryAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        var length = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var header = JsonNode.Parse(body.AsSpan(0, length)) ?? throw new InvalidOperationException("empty header");
        return (header, body[length..]);
    }

    public static float[] Floats(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<float>()).ToArray();

}

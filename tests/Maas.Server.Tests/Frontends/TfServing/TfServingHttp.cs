using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Maas.Server.Tests.Frontends.TfServing;

/// <summary>Posts TF Serving bodies as a client would and reads the answers (raw text, to see NaN and 1.0 as sent).</summary>
internal static class TfServingHttp
{
    public static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient client, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>POSTs and returns the body of a 200 answer, failing with the server's message otherwise.</summary>
    public static async Task<string> PostOkAsync(HttpClient client, string path, string json)
    {
        var (status, body) = await PostAsync(client, path, json);
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
        return body;
    }

    public static string Error(string body) =>
        JsonNode.Parse(body)?["error"]?.GetValue<string>() ?? throw new InvalidOperationException($"No 'error' in {body}");

    /// <summary>Floats of a (nested) JSON array, flattened in order.</summary>
    public static float[] Floats(JsonNode? node)
    {
        var values = new List<float>();
        void Walk(JsonNode? n)
        {
            if (n is JsonArray array)
            {
                foreach (var item in array)
                {
                    Walk(item);
                }
            }
            else
            {
                values.Add(n!.GetValue<float>());
            }
        }

        Walk(node);
        return [.. values];
    }
}

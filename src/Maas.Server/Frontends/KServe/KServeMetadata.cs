using System.Text.Json.Serialization;

namespace Maas.Server.Frontends.KServe;

/// <summary><c>GET /v2</c>: server metadata.</summary>
internal sealed record ServerMetadataResponse(string Name, string Version, IReadOnlyList<string> Extensions);

/// <summary>
/// <c>GET /v2/models/{m}[/versions/{v}]</c>: model metadata; a language model adds what its GGUF
/// says in <c>parameters</c> (architecture, parameters, quantization, context length, vocabulary).
/// </summary>
internal sealed record ModelMetadataResponse(string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<TensorMetadataResponse> Inputs, IReadOnlyList<TensorMetadataResponse> Outputs)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Parameters { get; init; }
}

/// <summary>One tensor of a model's signature; -1 marks a dynamic dimension.</summary>
internal sealed record TensorMetadataResponse(string Name, string Datatype, long[] Shape);

/// <summary>
/// Source-generated serialization for the metadata responses (no reflection: trimming and AOT safe).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ServerMetadataResponse))]
[JsonSerializable(typeof(ModelMetadataResponse))]
[JsonSerializable(typeof(ModelStatsListResponse))]
internal sealed partial class KServeJsonContext : JsonSerializerContext;

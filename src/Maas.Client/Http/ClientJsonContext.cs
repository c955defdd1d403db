using System.Text.Json.Serialization;

namespace Maas.Client.Http;

/// <summary><c>GET /v2</c>: the server's name, version and extensions.</summary>
internal sealed record ServerMetadataJson(string? Name, string? Version, string[]? Extensions);

/// <summary><c>GET /v2/models/{m}</c>: a model's versions, platform and signature.</summary>
internal sealed record ModelMetadataJson(string? Name, string[]? Versions, string? Platform, TensorMetadataJson[]? Inputs, TensorMetadataJson[]? Outputs);

/// <summary>One tensor of a model's signature.</summary>
internal sealed record TensorMetadataJson(string? Name, string? Datatype, long[]? Shape);

/// <summary>One row of <c>POST /v2/repository/index</c>.</summary>
internal sealed record RepositoryIndexJson(string? Name, string? Version, string? State, string? Reason);

/// <summary>Source-generated JSON for the metadata answers (no reflection; trimming-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ServerMetadataJson))]
[JsonSerializable(typeof(ModelMetadataJson))]
[JsonSerializable(typeof(RepositoryIndexJson[]))]
[JsonSerializable(typeof(string))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;

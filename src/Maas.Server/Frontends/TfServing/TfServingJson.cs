using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Maas.Server.Frontends.TfServing;

/// <summary>
/// <c>GET /v1/models/{m}</c>: the JSON form of TF Serving's <c>GetModelStatusResponse</c>
/// (proto field names, int64 as strings).
/// </summary>
internal sealed record TfModelStatusResponse(IReadOnlyList<TfModelVersionStatus> ModelVersionStatus);

/// <summary>One version's state: <c>START</c>, <c>LOADING</c>, <c>AVAILABLE</c>, <c>UNLOADING</c> or <c>END</c>.</summary>
internal sealed record TfModelVersionStatus(string Version, string State, TfStatus Status);

/// <summary>TF Serving's <c>StatusProto</c>: <c>OK</c> and an empty message unless the version failed.</summary>
internal sealed record TfStatus(string ErrorCode, string ErrorMessage);

/// <summary><c>GET /v1/models/{m}/metadata</c>: the JSON form of <c>GetModelMetadataResponse</c>.</summary>
internal sealed record TfModelMetadataResponse(TfModelSpec ModelSpec, TfMetadata Metadata);

/// <summary>The model the metadata describes.</summary>
internal sealed record TfModelSpec(string Name, string SignatureName, string Version);

/// <summary>The <c>metadata</c> map; Maas fills only <c>signature_def</c>.</summary>
internal sealed record TfMetadata(TfSignatureDefMap SignatureDef);

/// <summary><c>SignatureDefMap</c>: signatures by name (Maas has one, <c>serving_default</c>).</summary>
internal sealed record TfSignatureDefMap(IReadOnlyDictionary<string, TfSignatureDef> SignatureDef);

/// <summary>A signature: named inputs and outputs and the method (<c>tensorflow/serving/predict</c>).</summary>
internal sealed record TfSignatureDef(IReadOnlyDictionary<string, TfTensorInfo> Inputs, IReadOnlyDictionary<string, TfTensorInfo> Outputs, string MethodName);

/// <summary>One tensor of a signature.</summary>
internal sealed record TfTensorInfo(string Dtype, TfTensorShape TensorShape, string Name);

/// <summary><c>TensorShapeProto</c>: dimensions, -1 for a dynamic one.</summary>
internal sealed record TfTensorShape(IReadOnlyList<TfDim> Dim, bool UnknownRank);

/// <summary>One dimension; <c>size</c> is an int64, so a string in proto JSON.</summary>
internal sealed record TfDim(string Size, string Name);

/// <summary>Source-generated serialization of the status and metadata answers (no reflection: trimming and AOT safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TfModelStatusResponse))]
[JsonSerializable(typeof(TfModelMetadataResponse))]
internal sealed partial class TfServingJsonContext : JsonSerializerContext;

/// <summary>JSON settings of the TF Serving frontend.</summary>
internal static class TfServingJson
{
    /// <summary>Nesting allowed in a request: the envelope, an instance object and a rank-36 tensor.</summary>
    public const int MaxDepth = 40;

    /// <summary>Reader options for request bodies.</summary>
    public static JsonReaderOptions ReaderOptions { get; } = new() { MaxDepth = MaxDepth };

    /// <summary>
    /// Writer options for answers: unescaped non-ASCII text (bodies are JSON, never HTML), and no
    /// validation, so <c>NaN</c> and <c>Infinity</c> can be written as TF Serving writes them.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };
}

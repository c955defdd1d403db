namespace Maas.Client;

/// <summary>What a server says about itself.</summary>
/// <param name="Name">The server's name (<c>maas</c>, <c>triton</c>, ...).</param>
/// <param name="Version">The server's version.</param>
/// <param name="Extensions">The protocol extensions it implements.</param>
public sealed record ServerMetadata(string Name, string Version, IReadOnlyList<string> Extensions);

/// <summary>A model's versions, platform and signature.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Versions">The versions that serve now.</param>
/// <param name="Platform">The runtime, e.g. <c>onnxruntime_onnx</c>.</param>
/// <param name="Inputs">The inputs.</param>
/// <param name="Outputs">The outputs.</param>
public sealed record ModelMetadata(string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs);

/// <summary>One tensor of a signature.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DataType">The protocol datatype, e.g. <c>FP32</c>.</param>
/// <param name="Shape">The dimensions; -1 marks one of any size.</param>
public sealed record TensorSpec(string Name, string DataType, IReadOnlyList<long> Shape);

/// <summary>One answer of a gRPC stream: a result, or the error that request met.</summary>
/// <param name="Id">The request's id.</param>
/// <param name="Result">The result; null when the request failed.</param>
/// <param name="Error">The server's message for a failed request; null on success.</param>
public sealed record StreamInferResult(string? Id, InferResult? Result, string? Error);

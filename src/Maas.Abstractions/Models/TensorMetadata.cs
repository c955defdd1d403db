using Maas.Tensors;

namespace Maas.Models;

/// <summary>One input or output of a model: name, type and shape (dimensions may be <see cref="TensorShape.Dynamic"/>).</summary>
public sealed record TensorMetadata(string Name, DataType DataType, TensorShape Shape);

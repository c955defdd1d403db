using System.Text.Json;
using Maas.Buffers;
using Maas.Errors;
using Maas.Inference;
using Maas.Models;
using Maas.Tensors;

namespace Maas.Server.Frontends.TfServing;

/// <summary>
/// Stacks rows — the <c>instances</c> of a row-format predict, or the <c>examples</c> of classify
/// and regress — into one batch per model input: the rows become the first dimension. Owns the
/// buffers it fills until <see cref="ToRequest"/> hands them to the request.
/// </summary>
internal sealed class TfRowBatch : IDisposable
{
    private readonly string _modelName;
    private readonly IReadOnlyList<TensorMetadata> _inputs;
    private readonly string _rowKind;
    private readonly PooledBufferWriter?[] _data;
    private readonly long[]?[] _rowShapes;
    private readonly bool _reshapeFlat;

    /// <summary>
    /// Starts an empty batch for <paramref name="metadata"/>'s inputs; <paramref name="rowKind"/>
    /// ("instance", "example") names a row in messages, <paramref name="alternative"/> says what to
    /// send instead when an input has no dimension to stack rows on (InvalidArgument). With
    /// <paramref name="reshapeFlat"/> (examples, whose features are flat lists as in
    /// <c>tf.train.Example</c>), a value whose element count matches the model's fixed row shape
    /// takes that shape.
    /// </summary>
    public TfRowBatch(string modelName, ModelMetadata metadata, string rowKind, string alternative, bool reshapeFlat)
    {
        _modelName = modelName;
        _reshapeFlat = reshapeFlat;
        _inputs = metadata.Inputs;
        _rowKind = rowKind;
        _data = new PooledBufferWriter?[_inputs.Count];
        _rowShapes = new long[]?[_inputs.Count];
        foreach (var input in _inputs)
        {
            if (input.Shape.Rank == 0)
            {
                throw MaasError.InvalidArgument($"Input '{input.Name}' of model '{modelName}' is a scalar (shape []): it has no batch dimension, so it cannot take one value per {rowKind}. {alternative}");
            }
        }
    }

    /// <summary>Rows completed so far.</summary>
    public long Rows { get; private set; }

    /// <summary>The model's inputs, in order.</summary>
    public IReadOnlyList<TensorMetadata> Inputs => _inputs;

    /// <summary>Reads the value at the reader as input <paramref name="input"/>'s part of the current row.</summary>
    public void Append(int input, ref Utf8JsonReader reader)
    {
        var metadata = _inputs[input];
        var data = _data[input] ??= new PooledBufferWriter(1024);
        var shape = TfJsonValueReader.Read(ref reader, metadata.DataType, data, new TfValueSite(metadata.Name, Rows, _rowKind));
        if (_reshapeFlat)
        {
            shape = ReshapeFlat(metadata, shape);
        }
        var first = _rowShapes[input];
        if (first is null)
        {
            _rowShapes[input] = shape;
        }
        else if (!first.AsSpan().SequenceEqual(shape))
        {
            throw MaasError.InvalidArgument($"{Capitalized} values differ in shape: input '{metadata.Name}' is {new TensorShape(first)} in the first {_rowKind} that has it but {new TensorShape(shape)} in {_rowKind} {Rows}. Rows are stacked into one batch, so every {_rowKind}'s value of an input must have the same shape; pad them to one shape, or send them in separate requests.");
        }
    }

    /// <summary>Ends the current row.</summary>
    public void EndRow() => Rows++;

    /// <summary>True when input <paramref name="input"/> has a value in every row so far.</summary>
    public bool Has(int input) => _rowShapes[input] is not null;

    /// <summary>
    /// Builds the canonical request: each input shaped [rows, ...row shape]. Checks each row shape
    /// against the model's first, so the message speaks of rows rather than of a stacked tensor.
    /// The caller owns the request; this batch no longer owns the buffers.
    /// </summary>
    public InferenceRequest ToRequest(string version)
    {
        var request = new InferenceRequest(_modelName, version);
        try
        {
            for (var i = 0; i < _inputs.Count; i++)
            {
                var metadata = _inputs[i];
                var data = _data[i] ?? throw new InvalidOperationException($"Input '{metadata.Name}' has no rows.");
                _data[i] = null;
                request.Own(data);
                var row = CheckRow(metadata, _rowShapes[i]!);
                var dims = new long[row.Length + 1];
                dims[0] = Rows;
                row.CopyTo(dims, 1);
                request.Inputs.Add(new Tensor(metadata.Name, metadata.DataType, new TensorShape(dims), data.WrittenMemory));
            }

            return request;
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    private static long[] ReshapeFlat(TensorMetadata metadata, long[] shape)
    {
        var modelRow = metadata.Shape.Dimensions[1..];
        if (modelRow.IndexOf(TensorShape.Dynamic) >= 0 || modelRow.SequenceEqual(shape))
        {
            return shape;
        }

        return new TensorShape(shape).TryGetElementCount(out var count) && count == new TensorShape(modelRow.ToArray()).ElementCount
            ? modelRow.ToArray()
            : shape;
    }

    private long[] CheckRow(TensorMetadata metadata, long[] row)
    {
        var model = metadata.Shape.Dimensions;
        var modelRow = new TensorShape(model[1..].ToArray());

        var fits = row.Length == modelRow.Rank;
        for (var d = 0; fits && d < row.Length; d++)
        {
            fits = modelRow[d] == TensorShape.Dynamic || modelRow[d] == row[d];
        }

        if (!fits)
        {
            var flat = _reshapeFlat && !modelRow.HasDynamicDimensions ? $" (or a flat list of {modelRow.ElementCount} values)" : "";
            throw MaasError.InvalidArgument($"Input '{metadata.Name}' of model '{_modelName}' takes each {_rowKind} shaped {modelRow}{flat}: the model's shape {metadata.Shape} without its first, batch dimension (-1 = any size). The {_rowKind}s' values are shaped {new TensorShape(row)}; send one {modelRow} value per {_rowKind}.");
        }

        if (model[0] != TensorShape.Dynamic && model[0] != Rows)
        {
            throw MaasError.InvalidArgument($"Input '{metadata.Name}' of model '{_modelName}' has a fixed first dimension of {model[0]} (shape {metadata.Shape}), and the number of {_rowKind}s becomes that dimension: send exactly {model[0]} {_rowKind}(s) per request ({Rows} came).");
        }

        return row;
    }

    private string Capitalized => char.ToUpperInvariant(_rowKind[0]) + _rowKind[1..];

    /// <summary>Returns the buffers not handed to a request.</summary>
    public void Dispose()
    {
        for (var i = 0; i < _data.Length; i++)
        {
            _data[i]?.Dispose();
            _data[i] = null;
        }
    }
}

using System.Buffers;
using Maas.Buffers;
using Maas.Errors;
using Maas.Inference;
using Maas.Models;
using Maas.Tensors;
using Microsoft.ML.OnnxRuntime;
using ModelMetadata = Maas.Models.ModelMetadata;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Maas.Tensors.Tensor;

namespace Maas.Backends.Onnx;

/// <summary>
/// One ONNX Runtime session. <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// is thread-safe, so one instance serves concurrent requests.
/// </summary>
internal sealed class OnnxInstance : IModelInstance
{
    private readonly string _modelName;
    private readonly InferenceSession _session;
    private readonly ModelMetadata _metadata;

    public OnnxInstance(string modelName, InferenceSession session, ModelMetadata metadata)
    {
        _modelName = modelName;
        _session = session;
        _metadata = metadata;
    }

    public InferenceResponse Run(InferenceRequest request, IReadOnlyList<string> outputNames, string modelVersion, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var count = request.Inputs.Count;
        var names = new string[count];
        var values = new OrtValue[count];
        var pins = new MemoryHandle[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                var input = request.Inputs[i];
                names[i] = input.Name;
                values[i] = CreateInput(input, ref pins[i]);
            }

            using var runOptions = new RunOptions();
            // Cancellation (client gone, deadline) asks the engine to stop between kernels.
            using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
            using var results = RunSession(runOptions, names, values, outputNames, cancellationToken);
            return CreateResponse(results, outputNames, modelVersion);
        }
        finally
        {
            for (var i = 0; i < count; i++)
            {
                values[i]?.Dispose();
                pins[i].Dispose();
            }
        }
    }

    private IDisposableReadOnlyCollection<OrtValue> RunSession(RunOptions runOptions, string[] names, OrtValue[] values, IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        try
        {
            return _session.Run(runOptions, names, values, outputNames as IReadOnlyCollection<string> ?? [.. outputNames]);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (OnnxRuntimeException ex)
        {
            // The request passed the signature check, so what still fails inside a loaded graph
            // depends on the input: dynamic dims that must agree (ONNX Runtime says Fail), indices
            // out of range (RuntimeException), sizes too large to allocate. That is a 400 with the
            // engine's words; only the engine's own faults are 500s.
            var engineFault = ex.Message.Contains("[ErrorCode:NotImplemented]", StringComparison.Ordinal)
                || ex.Message.Contains("[ErrorCode:EngineError]", StringComparison.Ordinal);
            var code = engineFault ? MaasErrorCode.Internal : MaasErrorCode.InvalidArgument;
            throw new MaasError(code, $"ONNX Runtime could not run model '{_modelName}' on this input: {ex.Message}", ex);
        }
    }

    private static unsafe OrtValue CreateInput(Tensor input, ref MemoryHandle pin)
    {
        var shape = input.Shape.ToArray();
        var elementType = (TensorElementType)input.DataType.OnnxElementType();
        if (input.DataType == DataType.Bytes)
        {
            var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            var index = 0;
            foreach (var element in BytesElements.Enumerate(input.Data.Span))
            {
                value.StringTensorSetElementAt(element, index++);
            }

            return value;
        }

        if (input.Data.IsEmpty)
        {
            // A zero-element tensor has no memory to pin; let the engine allocate an empty one.
            return OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, elementType, shape);
        }

        // No copy: the engine reads the request's own (pinned) buffer.
        pin = input.Data.Pin();
        return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, elementType, shape, (IntPtr)pin.Pointer, input.Data.Length);
    }

    private InferenceResponse CreateResponse(IDisposableReadOnlyCollection<OrtValue> results, IReadOnlyList<string> outputNames, string modelVersion)
    {
        var response = new InferenceResponse(_modelName, modelVersion);
        try
        {
            var i = 0;
            foreach (var value in results)
            {
                response.Outputs.Add(CopyOutput(outputNames[i++], value, response));
            }

            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private Tensor CopyOutput(string name, OrtValue value, InferenceResponse owner)
    {
        var info = value.GetTensorTypeAndShape();
        if (!DataTypes.TryFromOnnx((int)info.ElementDataType, out var dataType))
        {
            throw MaasError.Internal($"Model '{_modelName}' produced output '{name}' of ONNX element type {info.ElementDataType}, which the protocol cannot carry.");
        }

        var shape = new TensorShape(info.Shape);
        if (dataType == DataType.Bytes)
        {
            var writer = new PooledBufferWriter();
            owner.Own(writer);
            var elements = info.ElementCount;
            for (var e = 0; e < elements; e++)
            {
                BytesElements.Write(writer, value.GetStringElementAsSpan(e));
            }

            return new Tensor(name, dataType, shape, writer.WrittenMemory);
        }

        // The one copy on the way out: engine memory → a pooled buffer the response owns.
        var raw = value.GetTensorMutableRawData();
        var buffer = new PooledBuffer(raw.Length);
        owner.Own(buffer);
        raw.CopyTo(buffer.Span);
        return new Tensor(name, dataType, shape, buffer.Memory);
    }

    public void Dispose() => _session.Dispose();

    public override string ToString() => $"{_modelName} ({_metadata.Platform})";
}

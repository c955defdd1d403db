using Maas.Errors;
using Maas.Models;
using Microsoft.ML.OnnxRuntime;
using OrtOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel;

namespace Maas.Backends.Onnx;

/// <summary>Creates ONNX Runtime sessions from a model file and the model's engine options.</summary>
internal static class OnnxSessionFactory
{
    public static InferenceSession Create(string modelPath, EngineOptions engine)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = engine.IntraOpThreads,
            InterOpNumThreads = engine.InterOpThreads,
            // Parallel execution only pays when the user asked for inter-op threads.
            ExecutionMode = engine.InterOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = engine.GraphOptimizationLevel switch
            {
                Models.GraphOptimizationLevel.Disabled => OrtOptimizationLevel.ORT_DISABLE_ALL,
                Models.GraphOptimizationLevel.Basic => OrtOptimizationLevel.ORT_ENABLE_BASIC,
                Models.GraphOptimizationLevel.Extended => OrtOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => OrtOptimizationLevel.ORT_ENABLE_ALL,
            },
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };

        try
        {
            return new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw MaasError.InvalidArgument($"ONNX Runtime cannot load {modelPath}: {ex.Message}");
        }
    }
}

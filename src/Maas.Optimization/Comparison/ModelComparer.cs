using System.Diagnostics;
using Maas.Errors;
using Maas.Optimization.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Optimization.Comparison;

/// <summary>
/// Runs a base and an optimized model in one process on the same inputs and reports size, speed
/// and output agreement. Timing alternates the order of the two runs in each pair (A B, B A, ...),
/// so drift in a shared machine's speed affects both alike.
/// </summary>
public static class ModelComparer
{
    /// <summary>Compares the two model files.</summary>
    public static ComparisonReport Compare(string basePath, string optimizedPath, ComparisonOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(basePath);
        ArgumentException.ThrowIfNullOrEmpty(optimizedPath);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw MaasError.InvalidArgument("Invalid compare options: " + string.Join(" ", errors));
        }

        var baseModel = OnnxModelFile.Read(basePath);
        _ = OnnxModelFile.Read(optimizedPath); // Same clear error as the base for a non-ONNX file.
        var notes = new List<string>();
        var inputs = InputGenerator.Create(baseModel, options, notes);
        try
        {
            using var sessionOptions = new SessionOptions
            {
                IntraOpNumThreads = options.Threads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            using var baseSession = CreateSession(basePath, sessionOptions);
            using var optimizedSession = CreateSession(optimizedPath, sessionOptions);
            var outputNames = baseSession.OutputNames.Where(optimizedSession.OutputNames.Contains).ToArray();
            foreach (var name in baseSession.OutputNames.Except(outputNames).Concat(optimizedSession.OutputNames.Except(baseSession.OutputNames)))
            {
                notes.Add($"output '{name}' is in only one of the models: not compared");
            }

            if (outputNames.Length == 0)
            {
                throw MaasError.InvalidArgument("The two models have no output name in common; compare an optimized model with the model it was made from.");
            }

            var inputNames = inputs.Select(i => i.Name).ToArray();
            var inputValues = inputs.Select(i => i.Value).ToArray();
            using var runOptions = new RunOptions();
            var comparisons = CompareOutputs(baseSession, optimizedSession, runOptions, inputNames, inputValues, outputNames);

            for (var i = 0; i < options.Warmup; i++)
            {
                Time(baseSession, runOptions, inputNames, inputValues, outputNames);
                Time(optimizedSession, runOptions, inputNames, inputValues, outputNames);
            }

            var baseTimes = new double[options.Iterations];
            var optimizedTimes = new double[options.Iterations];
            var ratios = new double[options.Iterations];
            for (var i = 0; i < options.Iterations; i++)
            {
                if (i % 2 == 0)
                {
                    baseTimes[i] = Time(baseSession, runOptions, inputNames, inputValues, outputNames);
                    optimizedTimes[i] = Time(optimizedSession, runOptions, inputNames, inputValues, outputNames);
                }
                else
                {
                    optimizedTimes[i] = Time(optimizedSession, runOptions, inputNames, inputValues, outputNames);
                    baseTimes[i] = Time(baseSession, runOptions, inputNames, inputValues, outputNames);
                }

                ratios[i] = optimizedTimes[i] / baseTimes[i];
            }

            return new ComparisonReport
            {
                BasePath = basePath,
                OptimizedPath = optimizedPath,
                BaseBytes = new FileInfo(basePath).Length,
                OptimizedBytes = new FileInfo(optimizedPath).Length,
                BaseMedianMs = Median(baseTimes),
                OptimizedMedianMs = Median(optimizedTimes),
                LatencyRatio = Median(ratios),
                Iterations = options.Iterations,
                Threads = options.Threads,
                Inputs = inputs.Select(i => new KeyValuePair<string, string>(i.Name, Shapes.TensorInfo.Format(i.Shape))).ToList(),
                Outputs = comparisons,
                Notes = notes,
            };
        }
        finally
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }
        }
    }

    private static InferenceSession CreateSession(string path, SessionOptions options)
    {
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw MaasError.InvalidArgument($"ONNX Runtime cannot load '{path}': {ex.Message}");
        }
    }

    private static double Time(InferenceSession session, RunOptions runOptions, string[] inputNames, OrtValue[] inputs, string[] outputNames)
    {
        var start = Stopwatch.GetTimestamp();
        using var outputs = session.Run(runOptions, inputNames, inputs, outputNames);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static List<OutputComparison> CompareOutputs(
        InferenceSession baseSession, InferenceSession optimizedSession, RunOptions runOptions, string[] inputNames, OrtValue[] inputs, string[] outputNames)
    {
        using var baseOutputs = baseSession.Run(runOptions, inputNames, inputs, outputNames);
        using var optimizedOutputs = optimizedSession.Run(runOptions, inputNames, inputs, outputNames);
        var result = new List<OutputComparison>(outputNames.Length);
        for (var i = 0; i < outputNames.Length; i++)
        {
            var a = ToDoubles(baseOutputs[i]);
            var b = ToDoubles(optimizedOutputs[i]);
            var shape = baseOutputs[i].GetTensorTypeAndShape().Shape;
            if (a.Length != b.Length)
            {
                throw MaasError.InvalidArgument($"Output '{outputNames[i]}' has {a.Length} elements in the base model and {b.Length} in the optimized one.");
            }

            result.Add(OutputMetrics.Compute(outputNames[i], a, b, shape));
        }

        return result;
    }

    private static double[] ToDoubles(OrtValue value)
    {
        var type = value.GetTensorTypeAndShape().ElementDataType;
        return type switch
        {
            TensorElementType.Float => Array.ConvertAll(value.GetTensorDataAsSpan<float>().ToArray(), v => (double)v),
            TensorElementType.Double => value.GetTensorDataAsSpan<double>().ToArray(),
            TensorElementType.Float16 => Array.ConvertAll(value.GetTensorDataAsSpan<Float16>().ToArray(), v => (double)(float)v),
            TensorElementType.Int64 => Array.ConvertAll(value.GetTensorDataAsSpan<long>().ToArray(), v => (double)v),
            TensorElementType.Int32 => Array.ConvertAll(value.GetTensorDataAsSpan<int>().ToArray(), v => (double)v),
            TensorElementType.UInt8 => Array.ConvertAll(value.GetTensorDataAsSpan<byte>().ToArray(), v => (double)v),
            TensorElementType.Int8 => Array.ConvertAll(value.GetTensorDataAsSpan<sbyte>().ToArray(), v => (double)v),
            TensorElementType.Bool => Array.ConvertAll(value.GetTensorDataAsSpan<bool>().ToArray(), v => v ? 1.0 : 0.0),
            _ => throw MaasError.Unsupported($"Outputs of type {type} are not compared."),
        };
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

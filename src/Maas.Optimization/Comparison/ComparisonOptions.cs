namespace Maas.Optimization.Comparison;

/// <summary>Settings for <see cref="ModelComparer.Compare"/>.</summary>
public sealed record ComparisonOptions
{
    /// <summary>Concrete input shapes by input name; symbolic dims not given are taken as 1 (or bound by a named dim of another input).</summary>
    public IReadOnlyDictionary<string, long[]> InputShapes { get; init; } = new Dictionary<string, long[]>();

    /// <summary>Input values to use instead of generated ones, by input name.</summary>
    public IReadOnlyDictionary<string, InputData> Data { get; init; } = new Dictionary<string, InputData>();

    /// <summary>Runs of each model before timing. Default 5.</summary>
    public int Warmup { get; init; } = 5;

    /// <summary>Timed runs of each model, interleaved A B / B A. Default 30.</summary>
    public int Iterations { get; init; } = 30;

    /// <summary>ONNX Runtime intra-op threads for both sessions. Default 1 (stable figures on a shared machine).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Seed for generated inputs. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The options' problems, one line each; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Warmup < 0)
        {
            errors.Add($"warm-up runs {Warmup} must not be negative.");
        }

        if (Iterations < 1)
        {
            errors.Add($"iterations {Iterations} must be at least 1.");
        }

        if (Threads < 1)
        {
            errors.Add($"threads {Threads} must be at least 1.");
        }

        return errors;
    }
}

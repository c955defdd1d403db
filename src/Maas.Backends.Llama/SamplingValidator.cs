using Maas.Errors;
using Maas.Generation;

namespace Maas.Backends.Llama;

/// <summary>Checks sampling values before they reach the engine; names the field, value and range.</summary>
internal static class SamplingValidator
{
    public static void Validate(SamplingOptions sampling)
    {
        Check(sampling.Temperature is >= 0 and <= 2, "temperature", sampling.Temperature, "from 0 to 2");
        Check(sampling.TopP is > 0 and <= 1, "top_p", sampling.TopP, "greater than 0 and at most 1");
        Check(sampling.TopK >= 0, "top_k", sampling.TopK, "0 (off) or more");
        Check(sampling.MinP is >= 0 and <= 1, "min_p", sampling.MinP, "from 0 to 1");
        Check(sampling.RepetitionPenalty is > 0 and <= 10, "repetition_penalty", sampling.RepetitionPenalty, "greater than 0 and at most 10");
        Check(sampling.PresencePenalty is >= -2 and <= 2, "presence_penalty", sampling.PresencePenalty, "from -2 to 2");
        Check(sampling.FrequencyPenalty is >= -2 and <= 2, "frequency_penalty", sampling.FrequencyPenalty, "from -2 to 2");
    }

    private static void Check(bool ok, string name, double value, string range)
    {
        if (!ok || double.IsNaN(value))
        {
            throw MaasError.InvalidArgument($"{name} must be {range}, not {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }
    }
}

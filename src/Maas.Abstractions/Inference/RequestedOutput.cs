namespace Maas.Inference;

/// <summary>An output the client asked for by name, with the protocol parameters it attached (e.g. <c>binary_data</c>).</summary>
public sealed class RequestedOutput
{
    /// <summary>Creates a requested output.</summary>
    public RequestedOutput(string name, IReadOnlyDictionary<string, object>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Parameters = parameters;
    }

    /// <summary>The output's name, as the model calls it.</summary>
    public string Name { get; }

    /// <summary>Protocol parameters: values are <see cref="bool"/>, <see cref="long"/>, <see cref="double"/> or <see cref="string"/>.</summary>
    public IReadOnlyDictionary<string, object>? Parameters { get; }
}

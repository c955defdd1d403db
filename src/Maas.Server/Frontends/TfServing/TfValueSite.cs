namespace Maas.Server.Frontends.TfServing;

/// <summary>
/// Where a JSON value sits in a request, for error messages: the input it feeds and, in the row
/// formats, the instance or example it belongs to. Costs nothing until a message is built.
/// </summary>
/// <param name="Input">The model input the value feeds.</param>
/// <param name="Row">The instance (or example) index; -1 for a whole tensor in the columnar format.</param>
/// <param name="RowKind">What a row is called here: "instance", "example" or "context".</param>
internal readonly record struct TfValueSite(string Input, long Row, string RowKind)
{
    /// <summary>E.g. <c>input 'a' of instance 3</c>, or <c>input 'a'</c>.</summary>
    public override string ToString() => Row < 0 ? $"input '{Input}'" : $"input '{Input}' of {RowKind} {Row}";
}

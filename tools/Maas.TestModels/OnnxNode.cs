namespace Maas.TestModels;

/// <summary>One operator application in the graph (a <c>NodeProto</c>).</summary>
internal sealed record OnnxNode(string Name, string OpType, string[] Inputs, string[] Outputs, OnnxAttributeValue[] Attributes)
{
    /// <summary>Writes NodeProto{input=1, output=2, name=3, op_type=4, attribute=5}.</summary>
    public void WriteTo(ProtoWriter writer)
    {
        foreach (var input in Inputs)
        {
            writer.WriteString(1, input);
        }

        foreach (var output in Outputs)
        {
            writer.WriteString(2, output);
        }

        writer.WriteString(3, Name);
        writer.WriteString(4, OpType);
        foreach (var attribute in Attributes)
        {
            writer.WriteMessage(5, attribute.WriteTo);
        }
    }
}

namespace Maas.Optimization.Inspection;

/// <summary>The nodes of one operator type, added up.</summary>
public sealed record OpTypeCost(string OpType, int Count, long Macs, long Flops);

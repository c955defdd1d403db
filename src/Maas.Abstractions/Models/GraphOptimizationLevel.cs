namespace Maas.Models;

/// <summary>How much a graph engine may rewrite the model when loading it.</summary>
public enum GraphOptimizationLevel
{
    /// <summary>No rewriting.</summary>
    Disabled,
    /// <summary>Semantics-preserving rewrites such as constant folding.</summary>
    Basic,
    /// <summary>Basic plus fusions that stay hardware-independent.</summary>
    Extended,
    /// <summary>Everything, including layout changes for this CPU. The default.</summary>
    All,
}

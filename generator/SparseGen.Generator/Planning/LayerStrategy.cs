namespace SparseGen.Generator.Planning;

/// <summary>How the generated code computes a layer with weights.</summary>
internal enum LayerStrategy
{
    /// <summary>One multiply-add per nonzero weight with the weight as a float literal; zeros absent.</summary>
    Unrolled,

    /// <summary>Nonzero weights and their positions in static tables, walked by loops specialised to the layer's shape.</summary>
    SparseTable,
}

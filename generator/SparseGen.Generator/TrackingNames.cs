namespace SparseGen.Generator;

/// <summary>Names of the pipeline steps, for the generator driver's step tracking in tests.</summary>
internal static class TrackingNames
{
    public const string Requests = nameof(Requests);
    public const string ProjectDirectory = nameof(ProjectDirectory);
    public const string ModelFiles = nameof(ModelFiles);
    public const string LoadedModels = nameof(LoadedModels);
    public const string ModelPaths = nameof(ModelPaths);
    public const string Keys = nameof(Keys);
    public const string ClassModels = nameof(ClassModels);
    public const string Generated = nameof(Generated);
    public const string Sources = nameof(Sources);
    public const string GpuSwitch = nameof(GpuSwitch);
    public const string GeneratedGpu = nameof(GeneratedGpu);
}

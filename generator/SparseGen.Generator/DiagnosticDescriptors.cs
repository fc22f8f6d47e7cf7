using Microsoft.CodeAnalysis;

namespace SparseGen.Generator;

/// <summary>Every diagnostic the generator reports; each is documented in docs/diagnostics.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "SparseGen";

    public static readonly DiagnosticDescriptor ModelFileNotGiven = new(
        "SPG001",
        "Model file is not given to the compiler",
        "The model file '{0}' is not among the model files given to the compiler; add <SparseModel Include=\"{1}\" /> to the project file. Model files given: {2}.",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator reads only models listed as SparseModel items, so builds stay reproducible and incremental.");

    public static readonly DiagnosticDescriptor ModelFileUnreadable = new(
        "SPG002",
        "Model file cannot be read",
        "The model file '{0}' cannot be read: {1}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ClassNotPartial = new(
        "SPG003",
        "A [SparseModel] class must be partial",
        "The class '{0}' must be declared partial so SparseGen can add the generated model to it",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ClassNotTopLevel = new(
        "SPG004",
        "A [SparseModel] class must be a top-level, non-generic class",
        "The class '{0}' is {1}; declare the model on a top-level, non-generic partial class",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ModelPathMissing = new(
        "SPG005",
        "The [SparseModel] path is empty",
        "The [SparseModel] attribute on '{0}' needs the model file's path, for example [SparseModel(\"models/net.onnx\")]",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotAClass = new(
        "SPG006",
        "[SparseModel] goes on a class",
        "'{0}' is a {1}; declare the model on a partial class, for example public static partial class {0} {{ }}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor AttributeOnSeveralDeclarations = new(
        "SPG007",
        "[SparseModel] appears on several declarations of one class",
        "[SparseModel] appears on {1} declarations of '{0}'; keep it on one (the code is generated from the first)",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MemberNameTaken = new(
        "SPG008",
        "The class declares a member the generated code defines",
        "'{0}' declares {1}, which the generated code defines; rename it, or move it to another class",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generated model adds InputLength, OutputLength, InputShape, OutputShape, Parameters, NonZeros, DenseMacs, SparseMacs, Layers, Predict, PredictBatch and a nested SparseGenKernels class (with ILGPU, CreateGpu, GpuRunner and SparseGenGpuKernels).");

    public static readonly DiagnosticDescriptor MalformedModel = new(
        "SPG010",
        "The model cannot be read",
        "The model '{0}' cannot be read: {1}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnsupportedOp = new(
        "SPG011",
        "The model uses an operation or feature SparseGen does not support",
        "The model '{0}' uses an operation or feature SparseGen does not support: {1}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ShapeError = new(
        "SPG012",
        "The model's shapes do not fit together",
        "The model '{0}' has a shape error: {1}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ModelTooLarge = new(
        "SPG013",
        "The model is too large to compile into code",
        "The model '{0}' keeps {1:N0} nonzero weights after optimisation; SparseGen compiles at most {2:N0} into one class. Prune it further or split it.",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TableFallback = new(
        "SPG020",
        "A layer uses a compact sparse table instead of unrolled code",
        "Layer '{0}' of '{1}' ({2:N0} nonzero weights) uses a compact sparse table instead of unrolled constants, which would bloat the code and the build",
        Category,
        DiagnosticSeverity.Info,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GpuRuntimeMissing = new(
        "SPG030",
        "ILGPU is referenced but SparseGen.Gpu is not",
        "The project references ILGPU but not SparseGen.Gpu, which the GPU code of '{0}' needs; reference SparseGen.Gpu to get CreateGpu, or set <SparseGenEmitGpu>false</SparseGenEmitGpu> to silence this",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GpuOpUnsupported = new(
        "SPG031",
        "An operation has no GPU kernel",
        "The model '{0}' uses {1}, which has no GPU kernel; '{2}' gets no CreateGpu (its CPU code is unaffected)",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnexpectedFailure = new(
        "SPG099",
        "SparseGen failed unexpectedly",
        "SparseGen failed on '{0}': {1}. This is a bug in SparseGen; please report it with the model.",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);
}

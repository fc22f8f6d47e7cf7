using System;
using System.Collections.Generic;
using System.Globalization;
using SparseGen.Model.Graph;

namespace SparseGen.Model.Evaluation;

/// <summary>
/// The project's own oracle: every IR operation computed by plain loops in float32 (sums accumulated
/// in double), with ONNX Runtime's semantics. Slow by design next to generated code, but obviously right.
/// </summary>
public static class ReferenceEvaluator
{
    /// <summary>Runs the graph on a batch.</summary>
    /// <param name="graph">The model.</param>
    /// <param name="input"><paramref name="batch"/> × <c>graph.InputLength</c> floats, row-major [N, ...].</param>
    /// <param name="batch">Samples in <paramref name="input"/>, at least 1.</param>
    /// <returns><paramref name="batch"/> × <c>graph.OutputLength</c> floats, row-major [N, ...].</returns>
    /// <exception cref="ArgumentException">The input length does not match the batch, or the batch is below 1.</exception>
    /// <exception cref="ModelException">The graph costs more than <see cref="ModelLimits.MaxMacsPerSample"/> per sample.</exception>
    public static float[] Run(ModelGraph graph, float[] input, int batch) =>
        Execute(graph, input, batch, ZeroWeights.Multiplied, keepAll: false)[graph.OutputName];

    /// <summary>Runs the graph on a batch, with zero weights multiplied (as ONNX Runtime does) or absent (as generated code has them).</summary>
    /// <param name="graph">The model.</param>
    /// <param name="input"><paramref name="batch"/> × <c>graph.InputLength</c> floats, row-major [N, ...].</param>
    /// <param name="batch">Samples in <paramref name="input"/>, at least 1.</param>
    /// <param name="zeroWeights">Whether a weight that is exactly zero is multiplied or skipped.</param>
    /// <inheritdoc cref="Run(ModelGraph, float[], int)" path="/returns"/>
    /// <inheritdoc cref="Run(ModelGraph, float[], int)" path="/exception"/>
    public static float[] Run(ModelGraph graph, float[] input, int batch, ZeroWeights zeroWeights) =>
        Execute(graph, input, batch, zeroWeights, keepAll: false)[graph.OutputName];

    /// <summary>Every value's data (input included) by value name, for debugging and per-op comparisons.</summary>
    /// <inheritdoc cref="Run(ModelGraph, float[], int)" path="/param"/>
    /// <inheritdoc cref="Run(ModelGraph, float[], int)" path="/exception"/>
    public static IReadOnlyDictionary<string, float[]> RunAll(ModelGraph graph, float[] input, int batch) =>
        Execute(graph, input, batch, ZeroWeights.Multiplied, keepAll: true);

    private static Dictionary<string, float[]> Execute(ModelGraph graph, float[] input, int batch, ZeroWeights zeroWeights, bool keepAll)
    {
        if (graph is null)
        {
            throw new ArgumentNullException(nameof(graph));
        }

        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }

        CheckArguments(graph, input, batch);
        CheckCost(graph);

        var lastUse = keepAll ? null : LastUses(graph);
        var values = new Dictionary<string, float[]>(StringComparer.Ordinal) { [graph.InputName] = (float[])input.Clone() };
        for (var index = 0; index < graph.Operations.Count; index++)
        {
            var op = graph.Operations[index];
            var output = new float[batch * graph.OutputLengthOf(op.Output)];
            Compute(op, graph, values, output, batch, zeroWeights == ZeroWeights.Skipped);
            values[op.Output] = output;
            if (lastUse is not null)
            {
                foreach (var read in op.Inputs)
                {
                    if (lastUse[read] == index && read != graph.OutputName)
                    {
                        values.Remove(read);
                    }
                }
            }
        }

        return values;
    }

    private static void Compute(Operation op, ModelGraph graph, Dictionary<string, float[]> values, float[] output, int batch, bool skipZeroWeights)
    {
        switch (op)
        {
            case ConvOperation conv:
                ConvolutionReference.Run(conv, graph.ShapeOf(conv.Input), graph.ShapeOf(conv.Output), values[conv.Input], output, batch, skipZeroWeights);
                break;
            case DenseOperation dense:
                DenseReference.Run(dense, values[dense.Input], output, skipZeroWeights);
                break;
            case AddOperation add:
                ElementwiseReference.Add(values[add.Left], values[add.Right], add.Activation, output);
                break;
            case AddConstantOperation addConstant:
                ElementwiseReference.AddConstant(values[addConstant.Input], addConstant.Constant.Data, output);
                break;
            case ActivationOperation activation:
                ElementwiseReference.Apply(values[activation.Input], activation.Activation, output);
                break;
            case SoftmaxOperation softmax:
                SoftmaxReference.Run(softmax, graph.ShapeOf(softmax.Input), values[softmax.Input], output);
                break;
            case PoolOperation pool:
                PoolReference.Run(pool, graph.ShapeOf(pool.Input), graph.ShapeOf(pool.Output), values[pool.Input], output, batch);
                break;
            case GlobalAveragePoolOperation global:
                var shape = graph.ShapeOf(global.Input);
                ElementwiseReference.GlobalAverage(values[global.Input], shape[1] * shape[2], output);
                break;
            case ReshapeOperation reshape:
                Array.Copy(values[reshape.Input], output, output.Length);
                break;
            case BatchNormOperation batchNorm:
                BatchNormReference.Run(batchNorm, graph.ShapeOf(batchNorm.Input), values[batchNorm.Input], output, skipZeroWeights);
                break;
            default:
                throw new ModelException(ModelErrorCode.UnsupportedOp, $"the reference evaluator has no rule for {op.Describe()}", op.Name);
        }
    }

    private static void CheckArguments(ModelGraph graph, float[] input, int batch)
    {
        if (batch < 1)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture, "batch must be at least 1 but is {0}", batch), nameof(batch));
        }

        var expected = (long)batch * graph.InputLength;
        if (input.LongLength != expected)
        {
            throw new ArgumentException(
                string.Format(
                    CultureInfo.InvariantCulture,
                    "input holds {0} floats but a batch of {1} with per-sample shape {2} ({3} floats each) needs {4}",
                    input.LongLength,
                    batch,
                    ShapeInference.Format(graph.InputShape),
                    graph.InputLength,
                    expected),
                nameof(input));
        }

        foreach (var value in graph.Shapes)
        {
            if ((long)batch * ShapeInference.ElementCount(value.Value) > int.MaxValue)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "a batch of {0} makes value '{1}' {2} larger than one array can hold; run smaller batches", batch, value.Key, ShapeInference.Format(value.Value)),
                    nameof(batch));
            }
        }
    }

    private static void CheckCost(ModelGraph graph)
    {
        var macs = MacEstimate.PerSample(graph);
        if (macs > ModelLimits.MaxMacsPerSample)
        {
            throw new ModelException(
                ModelErrorCode.LimitExceeded,
                string.Format(CultureInfo.InvariantCulture, "the model costs {0:N0} multiply-adds per sample, more than the reference evaluator runs ({1:N0}, ModelLimits.MaxMacsPerSample)", macs, ModelLimits.MaxMacsPerSample),
                hint: "Models compiled into code must be far smaller; check the input shape and layer sizes.");
        }
    }

    /// <summary>Index of the last operation that reads each value, so <see cref="Execute"/> can drop it after.</summary>
    private static Dictionary<string, int> LastUses(ModelGraph graph)
    {
        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < graph.Operations.Count; index++)
        {
            foreach (var read in graph.Operations[index].Inputs)
            {
                lastUse[read] = index;
            }
        }

        return lastUse;
    }

    private static int OutputLengthOf(this ModelGraph graph, string value) => ShapeInference.ElementCount(graph.ShapeOf(value));
}

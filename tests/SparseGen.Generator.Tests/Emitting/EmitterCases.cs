using System;
using System.Collections.Generic;
using System.Linq;
using SparseGen.Model;
using SparseGen.Model.Graph;
using SparseGen.Model.Passes;
using SparseGen.Model.Tests.Conformance;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Generator.Tests.Emitting;

/// <summary>A model for the emitter tests: the graph to emit, the graph the oracle runs, and the ONNX bytes when ONNX Runtime can check it too.</summary>
internal sealed record EmitterCase(string Name, ModelGraph Emitted, ModelGraph Original, byte[]? Onnx)
{
    public override string ToString() => Name;
}

/// <summary>
/// Every op case of the model tests (imported, then optimised as the generator does) and graphs built
/// directly in the IR: random sparsity from 0 % to 100 %, odd sizes, strides, dilations, groups, fused
/// activations, leading rows for Dense, residual adds, standalone BatchNorm and padded pools.
/// </summary>
internal static class EmitterCases
{
    public static IReadOnlyList<EmitterCase> All { get; } = OpCaseModels().Concat(IrModels()).ToArray();

    public static TheoryData<string> Names => new(All.Select(c => c.Name));

    public static EmitterCase Get(string name) => All.Single(c => c.Name == name);

    private static IEnumerable<EmitterCase> OpCaseModels()
    {
        foreach (var opCase in OpCases.All)
        {
            var bytes = opCase.Build();
            var result = ModelLoader.Load(bytes);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"op case {opCase.Name} does not load: {result.Error}");
            }

            yield return new EmitterCase(opCase.Name, GraphOptimizer.Optimize(result.Graph!), result.Graph!, bytes);
        }
    }

    private static IEnumerable<EmitterCase> IrModels()
    {
        yield return Ir("IR_Conv_no_zeros_relu", new[] { 3, 5, 7 }, Conv("x", "y", 3, 4, 1, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 0.0, true, Activation.Relu, 1));
        yield return Ir("IR_Conv_all_zero_with_bias", new[] { 2, 6, 5 }, Conv("x", "y", 2, 3, 1, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 1.0, true, Activation.None, 2));
        yield return Ir("IR_Conv_odd_strides_pads_dilations_sigmoid", new[] { 3, 11, 9 }, Conv("x", "y", 3, 5, 1, new[] { 5, 3 }, new[] { 2, 3 }, new[] { 2, 0, 1, 1 }, new[] { 1, 2 }, 0.6, true, Activation.Sigmoid, 3));
        yield return Ir("IR_Conv_group3_tanh", new[] { 6, 5, 6 }, Conv("x", "y", 6, 9, 3, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 0, 0, 0, 0 }, new[] { 1, 1 }, 0.5, true, Activation.Tanh, 4));
        yield return Ir("IR_Conv_depthwise_relu6", new[] { 4, 7, 7 }, Conv("x", "y", 4, 4, 4, new[] { 3, 3 }, new[] { 2, 2 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 0.3, true, Activation.Clip(0f, 6f), 5));
        yield return Ir("IR_Conv_kernel_covers_input", new[] { 2, 4, 4 }, Conv("x", "y", 2, 3, 1, new[] { 4, 4 }, new[] { 1, 1 }, new[] { 0, 0, 0, 0 }, new[] { 1, 1 }, 0.4, false, Activation.None, 6));
        yield return Ir("IR_Conv_full_rows_no_bias", new[] { 2, 6, 6 }, Conv("x", "y", 2, 2, 1, new[] { 3, 1 }, new[] { 1, 1 }, new[] { 1, 0, 1, 0 }, new[] { 1, 1 }, 0.2, false, Activation.None, 7));
        yield return Ir("IR_Dense_no_zeros_relu", new[] { 13 }, Dense("x", "y", 13, 7, 0.0, true, Activation.Relu, 8));
        yield return Ir("IR_Dense_all_zero_sigmoid", new[] { 9 }, Dense("x", "y", 9, 4, 1.0, true, Activation.Sigmoid, 9));
        yield return Ir("IR_Dense_leading_rows_tanh", new[] { 4, 7 }, Dense("x", "y", 7, 5, 0.3, true, Activation.Tanh, 10));
        yield return Ir("IR_Dense_long_rows", new[] { 300 }, Dense("x", "y", 300, 3, 0.1, false, Activation.None, 11));
        yield return Ir(
            "IR_Residual_pool_dense_softmax",
            new[] { 3, 5, 5 },
            Conv("x", "c", 3, 3, 1, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 0.5, true, Activation.Relu, 12),
            new AddOperation("add", "c", "x", "a", Activation.Relu),
            new GlobalAveragePoolOperation("gap", "a", "g", KeepDims: false),
            Dense("g", "d", 3, 2, 0.0, true, Activation.None, 13),
            new SoftmaxOperation("softmax", "d", "y", 1, CoerceTo2D: false));
        yield return Ir(
            "IR_BatchNorm_padded_pools",
            new[] { 3, 7, 6 },
            new BatchNormOperation("bn", "x", "b", RandomData.Floats(14, 3, 0.5f, 1.5f), RandomData.Floats(15, 3), RandomData.Floats(16, 3), RandomData.Floats(17, 3, 0.2f, 2f), 1e-5f),
            new PoolOperation("max", "b", "m", PoolKind.Max, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, false, false),
            new PoolOperation("avg", "m", "y", PoolKind.Average, new[] { 3, 3 }, new[] { 2, 2 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, true, true));
        yield return Ir(
            "IR_Conv_relu_maxpool_odd_sizes",
            new[] { 3, 9, 11 },
            Conv("x", "c", 3, 20, 1, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 0.1, true, Activation.Relu, 16),
            new PoolOperation("pool", "c", "y", PoolKind.Max, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, new[] { 1, 1 }, false, false));
        yield return Ir(
            "IR_Conv_wide_rows_maxpool_no_activation",
            new[] { 2, 6, 34 },
            Conv("x", "c", 2, 5, 1, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 0.0, false, Activation.None, 17),
            new PoolOperation("pool", "c", "y", PoolKind.Max, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, new[] { 1, 1 }, false, false));
        yield return Ir(
            "IR_Pools_in_lanes_stride2_wide_and_stride1_direct",
            new[] { 3, 20, 23 },
            new PoolOperation("max", "x", "m", PoolKind.Max, new[] { 3, 3 }, new[] { 2, 2 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, false, false),
            new PoolOperation("avg", "m", "a", PoolKind.Average, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, false, false),
            new PoolOperation("avg_padded", "a", "y", PoolKind.Average, new[] { 5, 5 }, new[] { 1, 1 }, new[] { 2, 1, 2, 3 }, new[] { 1, 1 }, false, true));
        yield return Ir(
            "IR_Pools_dilated_stride3_ceil",
            new[] { 2, 17, 19 },
            new PoolOperation("max", "x", "m", PoolKind.Max, new[] { 3, 2 }, new[] { 2, 2 }, new[] { 2, 0, 1, 1 }, new[] { 2, 3 }, true, false),
            new PoolOperation("avg", "m", "y", PoolKind.Average, new[] { 2, 3 }, new[] { 3, 3 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, true, false));
        yield return Ir(
            "IR_Conv_1x1_stride2_clip_add_clip_activations",
            new[] { 5, 13, 12 },
            Conv("x", "c", 5, 6, 1, new[] { 1, 1 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, new[] { 1, 1 }, 0.3, true, Activation.Clip(-0.5f, 0.75f), 18),
            Conv("c", "d", 6, 6, 1, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 0.5, true, Activation.None, 19),
            new AddOperation("add", "c", "d", "s", Activation.Clip(0f, 1f)),
            new ActivationOperation("relu", "s", "r", Activation.Relu),
            new ActivationOperation("clip", "r", "k", Activation.Clip(0.125f, 0.875f)),
            new GlobalAveragePoolOperation("gap", "k", "y", KeepDims: false));
        yield return Ir(
            "IR_Blocks_pruned_conv_pool_dense",
            new[] { 3, 9, 10 },
            InBlocks(Conv("x", "c", 3, 40, 1, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 0.0, true, Activation.Relu, 20), 0.6, 21),
            new PoolOperation("pool", "c", "p", PoolKind.Max, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, new[] { 1, 1 }, false, false),
            new ReshapeOperation("flatten", "p", "f", new[] { -1 }),
            InBlocks(Dense("f", "d", 800, 20, 0.0, true, Activation.Relu, 22), 0.7, 23),
            Dense("d", "y", 20, 3, 0.3, true, Activation.None, 24));
        yield return Ir(
            "IR_Conv_pool_rows_of_30_aligned_to_32",
            new[] { 2, 6, 28 },
            Conv("x", "c", 2, 5, 1, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 0.5, true, Activation.Relu, 27),
            new PoolOperation("pool", "c", "y", PoolKind.Max, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, new[] { 1, 1 }, false, false));
        yield return Ir(
            "IR_Conv_pool_into_padded_conv",
            new[] { 1, 13, 28 },
            Conv("x", "c", 1, 6, 1, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 0.5, true, Activation.Relu, 28),
            new PoolOperation("pool", "c", "p", PoolKind.Max, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, new[] { 1, 1 }, false, false),
            Conv("p", "d", 6, 32, 1, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 0.0, true, Activation.Relu, 29),
            new PoolOperation("pool2", "d", "q", PoolKind.Max, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, new[] { 1, 1 }, false, false),
            new ReshapeOperation("flatten", "q", "f", new[] { -1 }),
            Dense("f", "y", 32 * 21, 5, 0.5, true, Activation.None, 30));
        yield return Ir(
            "IR_Conv_pool_rows_of_64_odd_height_no_activation",
            new[] { 2, 9, 60 },
            Conv("x", "c", 2, 3, 1, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 0.3, true, Activation.None, 31),
            new PoolOperation("pool", "c", "y", PoolKind.Max, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, new[] { 1, 1 }, false, false));
        yield return Ir(
            "IR_Conv_sigmoid_flatten_dense",
            new[] { 3, 6, 7 },
            Conv("x", "c", 3, 24, 1, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1, 1, 1 }, new[] { 1, 1 }, 0.4, true, Activation.Sigmoid, 25),
            new ReshapeOperation("flatten", "c", "f", new[] { -1 }),
            Dense("f", "y", 24 * 42, 6, 0.5, true, Activation.None, 26));
        yield return Ir(
            "IR_Reshape_then_dense_clip",
            new[] { 2, 3, 2 },
            new ReshapeOperation("flatten", "x", "f", new[] { -1 }),
            Dense("f", "y", 12, 4, 0.5, true, Activation.Clip(-0.25f, 0.5f), 15));
    }

    private static EmitterCase Ir(string name, int[] inputShape, params Operation[] operations)
    {
        var graph = ModelGraph.Create("x", inputShape, operations, "y", ModelInfo.Empty);
        return new EmitterCase(name, graph, graph, null);
    }

    private static ConvOperation Conv(
        string input, string output, int inChannels, int outChannels, int group, int[] kernel, int[] strides, int[] pads, int[] dilations,
        double zeros, bool bias, Activation activation, int seed)
    {
        var shape = new[] { outChannels, inChannels / group, kernel[0], kernel[1] };
        var weight = new Tensor(shape, RandomData.SparseWeights(seed, shape.Aggregate(1, (a, b) => a * b), zeros));
        return new ConvOperation(output + "_conv", input, output, weight, bias ? RandomData.Floats(seed + 100, outChannels) : null, group, strides, pads, dilations, activation);
    }

    /// <summary>The layer with the fraction <paramref name="zeros"/> of its 16-output vectors (at each input and kernel position) zeroed whole, as block pruning leaves them.</summary>
    private static T InBlocks<T>(T layer, double zeros, int seed)
        where T : Operation
    {
        var weight = layer switch { ConvOperation conv => conv.Weight, DenseOperation dense => dense.Weight, _ => throw new ArgumentException("a Conv or Dense", nameof(layer)) };
        var outputs = weight.Shape[0];
        var rest = weight.Data.Length / outputs;
        var random = new Random(seed);
        for (var first = 0; first < outputs; first += 16)
        {
            for (var r = 0; r < rest; r++)
            {
                if (random.NextDouble() < zeros)
                {
                    for (var o = first; o < Math.Min(outputs, first + 16); o++)
                    {
                        weight.Data[(o * rest) + r] = 0f;
                    }
                }
            }
        }

        return layer;
    }

    private static DenseOperation Dense(string input, string output, int inFeatures, int outFeatures, double zeros, bool bias, Activation activation, int seed)
    {
        var weight = new Tensor(new[] { outFeatures, inFeatures }, RandomData.SparseWeights(seed, inFeatures * outFeatures, zeros));
        return new DenseOperation(output + "_dense", input, output, weight, bias ? RandomData.Floats(seed + 100, outFeatures) : null, activation);
    }
}

using SparseGen.Generator.Emitting.Writing;
using SparseGen.Model.Graph;

namespace SparseGen.Generator.Emitting.Cpu;

/// <summary>
/// Softmax over one axis (opset 13 on) or over every axis from it on (below 13), the maximum
/// subtracted first so the exponentials cannot overflow.
/// </summary>
internal static class SoftmaxKernelEmitter
{
    public static void Emit(LayerContext layer, SoftmaxOperation softmax)
    {
        var shape = layer.ShapeOf(softmax.Input);
        var axis = softmax.Axis - 1;
        var axisLength = softmax.CoerceTo2D ? Product(shape, axis, shape.Length) : shape[axis];
        var inner = softmax.CoerceTo2D ? 1 : Product(shape, axis + 1, shape.Length);
        var groups = layer.LengthOf(softmax.Input) / (axisLength * inner);

        var methods = layer.Methods(new[] { layer.SpanLocal("x", softmax.Input), layer.SpanLocal("y", softmax.Output) });
        methods.Add(CodePiece.Write(writer =>
        {
            using (writer.Block(ConvKernelEmitter.Loop("g", 0, groups)))
            using (writer.Block(ConvKernelEmitter.Loop("j", 0, inner)))
            {
                writer.Statement("int first = " + IndexExpression.Of(0, ((long)axisLength * inner, "g"), (1, "j")) + ";");
                writer.Statement("float max = float.NegativeInfinity;");
                var index = IndexExpression.Of(0, (1, "first"), (inner, "i"));
                using (writer.Block(ConvKernelEmitter.Loop("i", 0, axisLength)))
                {
                    writer.Statement("max = global::System.MathF.Max(max, x[" + index + "]);");
                }

                writer.Statement("float sum = 0f;");
                using (writer.Block(ConvKernelEmitter.Loop("i", 0, axisLength)))
                {
                    writer.Statement("float e = global::System.MathF.Exp(x[" + index + "] - max);");
                    writer.Statement("y[" + index + "] = e;");
                    writer.Statement("sum += e;");
                }

                using (writer.Block(ConvKernelEmitter.Loop("i", 0, axisLength)))
                {
                    writer.Statement("y[" + index + "] /= sum;");
                }
            }
        }));
        methods.Finish();
    }

    private static int Product(int[] shape, int from, int to)
    {
        var product = 1;
        for (var i = from; i < to; i++)
        {
            product *= shape[i];
        }

        return product;
    }
}

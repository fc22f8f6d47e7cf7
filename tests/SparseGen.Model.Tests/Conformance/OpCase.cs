using System;
using SparseGen.Model.Onnx;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Model.Tests.Conformance;

/// <summary>One small ONNX model that exercises one op with one combination of attributes.</summary>
internal sealed class OpCase
{
    private readonly Action<OnnxModelBuilder> _body;

    public OpCase(string name, int opset, int[] inputShape, Action<OnnxModelBuilder> body)
    {
        Name = name;
        Opset = opset;
        InputShape = inputShape;
        _body = body;
    }

    public string Name { get; }

    public int Opset { get; }

    /// <summary>Per-sample input shape; the model's batch is symbolic.</summary>
    public int[] InputShape { get; }

    /// <summary>The model: input <c>x</c>, output <c>y</c> (shape left for ONNX Runtime to infer).</summary>
    public byte[] Build()
    {
        var builder = new OnnxModelBuilder(Opset);
        builder.Input("x", BuilderModels.Batched(Array.ConvertAll(InputShape, d => (long)d)));
        _body(builder);
        var model = builder.Build();
        model.Graph!.Outputs.Add(new OnnxValueInfoProto { Name = "y", ElementType = OnnxDataType.Float });
        return OnnxWriter.Write(model);
    }

    public override string ToString() => Name;
}

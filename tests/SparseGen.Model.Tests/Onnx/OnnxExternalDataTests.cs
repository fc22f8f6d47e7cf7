using System;
using System.IO;
using System.Linq;
using SparseGen.Model.Onnx;
using SparseGen.Model.Tests.Infrastructure;

namespace SparseGen.Model.Tests.Onnx;

public sealed class OnnxExternalDataTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sparsegen-external-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(Fixtures.ResNetBnPruned80)]
    [InlineData(Fixtures.MlpMixPruned95)]
    public void Fixture_written_with_a_side_file_reads_back_equal_to_inline(string fixture)
    {
        var inline = OnnxReader.Read(Fixtures.Bytes(fixture));

        var path = WriteWithSideFile(inline, "weights.bin");
        var external = OnnxReader.ReadFile(path);

        OnnxStructure.AssertEqual(inline, external);
    }

    [Fact]
    public void Builder_model_written_with_a_side_file_puts_its_weights_there_and_reads_back_equal()
    {
        var model = BuilderModels.ResidualBatchNormGlobalPool().Model;

        var (bytes, data) = OnnxWriter.WriteWithExternalData(model, "model.data");
        File.WriteAllBytes(Path.Combine(_folder, "model.onnx"), bytes);
        File.WriteAllBytes(Path.Combine(_folder, "model.data"), data);
        var external = OnnxReader.ReadFile(Path.Combine(_folder, "model.onnx"));

        Assert.Equal(model.Graph!.Initializers.Sum(t => t.RawData!.Length), data.Length);
        OnnxStructure.AssertEqual(OnnxReader.Read(OnnxWriter.Write(model)), external);
    }

    [Fact]
    public void Missing_side_file_is_an_external_data_error_naming_the_file()
    {
        var model = BuilderModels.ConvReluPoolGemm().Model;
        var (bytes, _) = OnnxWriter.WriteWithExternalData(model, "missing_weights.bin");
        var path = Path.Combine(_folder, "model.onnx");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<ModelException>(() => OnnxReader.ReadFile(path)).Error;

        Assert.Equal(ModelErrorCode.ExternalData, error.Code);
        Assert.Contains("missing_weights.bin", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Equal("conv.weight", error.Node);
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("sub/../../outside.bin")]
    [InlineData("/tmp/outside.bin")]
    public void Side_file_outside_the_model_folder_is_refused_even_when_it_exists(string location)
    {
        var modelFolder = Directory.CreateDirectory(Path.Combine(_folder, "model")).FullName;
        var model = BuilderModels.MlpSoftmax().Model;
        var (bytes, data) = OnnxWriter.WriteWithExternalData(model, location);
        File.WriteAllBytes(Path.Combine(_folder, "outside.bin"), data);
        var path = Path.Combine(modelFolder, "model.onnx");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<ModelException>(() => OnnxReader.ReadFile(path)).Error;

        Assert.Equal(ModelErrorCode.ExternalData, error.Code);
        Assert.Contains(location, error.Message, StringComparison.Ordinal);
        Assert.Contains("outside the model's folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Side_file_shorter_than_the_declared_length_is_an_external_data_error()
    {
        var model = BuilderModels.MlpSoftmax().Model;
        var (bytes, data) = OnnxWriter.WriteWithExternalData(model, "weights.bin");
        File.WriteAllBytes(Path.Combine(_folder, "weights.bin"), data.AsSpan(0, data.Length - 4).ToArray());
        var path = Path.Combine(_folder, "model.onnx");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<ModelException>(() => OnnxReader.ReadFile(path)).Error;

        Assert.Equal(ModelErrorCode.ExternalData, error.Code);
        Assert.Contains("weights.bin", error.Message, StringComparison.Ordinal);
        Assert.Contains("has only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_bytes_of_a_model_with_a_side_file_and_no_folder_is_an_external_data_error()
    {
        var (bytes, _) = OnnxWriter.WriteWithExternalData(BuilderModels.MlpSoftmax().Model, "weights.bin");

        var error = Assert.Throws<ModelException>(() => OnnxReader.Read(bytes)).Error;

        Assert.Equal(ModelErrorCode.ExternalData, error.Code);
        Assert.Contains("weights.bin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Side_file_location_with_a_nul_character_is_an_external_data_error()
    {
        var (bytes, _) = OnnxWriter.WriteWithExternalData(BuilderModels.MlpSoftmax().Model, "weights\0.bin");
        var path = Path.Combine(_folder, "model.onnx");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<ModelException>(() => OnnxReader.ReadFile(path)).Error;

        Assert.Equal(ModelErrorCode.ExternalData, error.Code);
        Assert.Contains("weights\\u0000.bin", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid file name", error.Message, StringComparison.Ordinal);
    }

    private string WriteWithSideFile(OnnxModelProto model, string dataFileName)
    {
        var (bytes, data) = OnnxWriter.WriteWithExternalData(model, dataFileName);
        var path = Path.Combine(_folder, "model.onnx");
        File.WriteAllBytes(path, bytes);
        File.WriteAllBytes(Path.Combine(_folder, dataFileName), data);
        return path;
    }
}

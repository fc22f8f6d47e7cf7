namespace SparseGen.Model.Onnx;

/// <summary>Where the bytes of externally stored tensors come from.</summary>
public interface IExternalDataSource
{
    /// <summary>Reads <paramref name="length"/> bytes (to the end when negative) at <paramref name="offset"/> of <paramref name="location"/>.</summary>
    byte[] Read(string location, long offset, long length, string tensorName);
}

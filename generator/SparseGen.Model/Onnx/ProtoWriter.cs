using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace SparseGen.Model.Onnx;

/// <summary>Writes protobuf wire format. Nested messages are written into their own writer and copied with their length.</summary>
#pragma warning disable CA1001 // MemoryStream holds no unmanaged resource; disposing it would buy nothing.
internal sealed class ProtoWriter
#pragma warning restore CA1001
{
    private readonly MemoryStream _stream = new();

    public byte[] ToArray() => _stream.ToArray();

    public void WriteTag(int field, WireType wireType) => WriteVarint((ulong)field << 3 | (uint)wireType);

    public void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _stream.WriteByte((byte)value);
    }

    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint(unchecked((ulong)value));
    }

    /// <summary>int32 fields are sign-extended to 64 bits on the wire, as protobuf specifies.</summary>
    public void WriteInt32(int field, int value) => WriteInt64(field, value);

    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireType.Fixed32);
        WriteFixed32(value);
    }

    public void WriteString(int field, string value) => WriteBytes(field, new UTF8Encoding(false).GetBytes(value));

    public void WriteBytes(int field, byte[] value)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        _stream.Write(value, 0, value.Length);
    }

    public void WriteMessage(int field, ProtoWriter message) => WriteBytes(field, message.ToArray());

    public void WritePackedInt64s(int field, IReadOnlyList<long> values)
    {
        var packed = new ProtoWriter();
        foreach (var value in values)
        {
            packed.WriteVarint(unchecked((ulong)value));
        }

        WriteMessage(field, packed);
    }

    public void WritePackedInt32s(int field, IReadOnlyList<int> values)
    {
        var packed = new ProtoWriter();
        foreach (var value in values)
        {
            packed.WriteVarint(unchecked((ulong)(long)value));
        }

        WriteMessage(field, packed);
    }

    public void WritePackedFloats(int field, IReadOnlyList<float> values)
    {
        var packed = new ProtoWriter();
        foreach (var value in values)
        {
            packed.WriteFixed32(value);
        }

        WriteMessage(field, packed);
    }

    public void WritePackedDoubles(int field, IReadOnlyList<double> values)
    {
        var packed = new ProtoWriter();
        foreach (var value in values)
        {
            var bits = BitConverter.DoubleToInt64Bits(value);
            for (var i = 0; i < 8; i++)
            {
                packed._stream.WriteByte((byte)(bits >> (8 * i)));
            }
        }

        WriteMessage(field, packed);
    }

    private void WriteFixed32(float value)
    {
        var bits = BitConverter.ToInt32(BitConverter.GetBytes(value), 0);
        _stream.WriteByte((byte)bits);
        _stream.WriteByte((byte)(bits >> 8));
        _stream.WriteByte((byte)(bits >> 16));
        _stream.WriteByte((byte)(bits >> 24));
    }
}

using System;
using System.Collections.Generic;
using System.Text;

namespace SparseGen.Model.Onnx;

/// <summary>The protobuf wire types (encoding.md of the protobuf docs).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// Reads protobuf wire format from a window of a byte array. Every read is bounds-checked and fails
/// with a <see cref="ModelException"/>; nothing it reads can make it allocate more than the window holds.
/// </summary>
internal struct ProtoReader
{
    private readonly EntryBudget _budget;
    private readonly byte[] _buffer;
    private readonly int _end;
    private readonly string _message;
    private int _position;

    public ProtoReader(byte[] buffer, int offset, int length, string message)
        : this(buffer, offset, length, message, new EntryBudget())
    {
    }

    private ProtoReader(byte[] buffer, int offset, int length, string message, EntryBudget budget)
    {
        _budget = budget;
        _buffer = buffer;
        _position = offset;
        _end = offset + length;
        _message = message;
    }

    public readonly bool AtEnd => _position >= _end;

    /// <summary>Reads the next field key; returns false at the end of the message.</summary>
    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (_position >= _end)
        {
            field = 0;
            wireType = 0;
            return false;
        }

        var key = ReadVarint();
        field = (int)(key >> 3);
        wireType = (WireType)(key & 7);
        if (field <= 0 || key >> 3 > int.MaxValue)
        {
            throw Invalid($"field number {key >> 3} is not valid");
        }

        if (wireType is not (WireType.Varint or WireType.Fixed64 or WireType.LengthDelimited or WireType.Fixed32))
        {
            throw Invalid($"field {field} uses wire type {(int)wireType}, which ONNX never writes");
        }

        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _end)
            {
                throw Truncated("a varint");
            }

            var b = _buffer[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Invalid("a varint is longer than 10 bytes");
    }

    public long ReadInt64() => (long)ReadVarint();

    public int ReadInt32() => unchecked((int)ReadVarint());

    public float ReadFloat()
    {
        Require(4, "a float");
        var bits = _buffer[_position] | _buffer[_position + 1] << 8 | _buffer[_position + 2] << 16 | _buffer[_position + 3] << 24;
        _position += 4;
        return BitConverter.ToSingle(BitConverter.GetBytes(bits), 0);
    }

    public double ReadDouble()
    {
        Require(8, "a double");
        ulong bits = 0;
        for (var i = 7; i >= 0; i--)
        {
            bits = bits << 8 | _buffer[_position + i];
        }

        _position += 8;
        return BitConverter.Int64BitsToDouble(unchecked((long)bits));
    }

    /// <summary>Reads a length-delimited field and returns a reader over its bytes.</summary>
    public ProtoReader ReadMessage(string message)
    {
        var length = ReadLength();
        if (--_budget.Remaining < 0)
        {
            throw new ModelException(
                ModelErrorCode.LimitExceeded,
                FormattableString.Invariant($"the file holds more than {ModelLimits.MaxEntries:N0} messages (nodes, tensors, attributes, values; ModelLimits.MaxEntries)"),
                hint: "This is not a model SparseGen can compile; models compiled into code are far smaller.");
        }

        var sub = new ProtoReader(_buffer, _position, length, message, _budget);
        _position += length;
        return sub;
    }

    public byte[] ReadBytes()
    {
        var length = ReadLength();
        var bytes = new byte[length];
        Buffer.BlockCopy(_buffer, _position, bytes, 0, length);
        _position += length;
        return bytes;
    }

    public string ReadString()
    {
        var length = ReadLength();
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(_buffer, _position, length);
        }
        catch (ArgumentException)
        {
            throw Invalid("a string field is not valid UTF-8");
        }

        _position += length;
        return text;
    }

    /// <summary>Reads a repeated int64 field in either packed or one-per-tag form.</summary>
    public void ReadInt64s(WireType wireType, List<long> into)
    {
        if (wireType == WireType.Varint)
        {
            into.Add(ReadInt64());
            return;
        }

        Expect(wireType, WireType.LengthDelimited, "repeated int64");
        var packed = ReadMessage(_message);
        while (!packed.AtEnd)
        {
            into.Add(packed.ReadInt64());
        }

        _ = into.Count;
    }

    public void ReadInt32s(WireType wireType, List<int> into)
    {
        if (wireType == WireType.Varint)
        {
            into.Add(ReadInt32());
            return;
        }

        Expect(wireType, WireType.LengthDelimited, "repeated int32");
        var packed = ReadMessage(_message);
        while (!packed.AtEnd)
        {
            into.Add(packed.ReadInt32());
        }
    }

    public void ReadFloats(WireType wireType, List<float> into)
    {
        if (wireType == WireType.Fixed32)
        {
            into.Add(ReadFloat());
            return;
        }

        Expect(wireType, WireType.LengthDelimited, "repeated float");
        var packed = ReadMessage(_message);
        if (packed._end - packed._position is var length && length % 4 != 0)
        {
            throw Invalid($"packed floats take {length} bytes, not a multiple of 4");
        }

        while (!packed.AtEnd)
        {
            into.Add(packed.ReadFloat());
        }
    }

    public void ReadDoubles(WireType wireType, List<double> into)
    {
        if (wireType == WireType.Fixed64)
        {
            into.Add(ReadDouble());
            return;
        }

        Expect(wireType, WireType.LengthDelimited, "repeated double");
        var packed = ReadMessage(_message);
        if ((packed._end - packed._position) % 8 != 0)
        {
            throw Invalid("packed doubles do not fill a multiple of 8 bytes");
        }

        while (!packed.AtEnd)
        {
            into.Add(packed.ReadDouble());
        }
    }

    /// <summary>Skips a field this reader does not use.</summary>
    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Require(8, "a fixed64");
                _position += 8;
                break;
            case WireType.Fixed32:
                Require(4, "a fixed32");
                _position += 4;
                break;
            case WireType.LengthDelimited:
                // Not `_position += ReadLength()`: that reads _position before ReadLength moves it past the length.
                var length = ReadLength();
                _position += length;
                break;
            default:
                throw Invalid($"wire type {(int)wireType} cannot be skipped");
        }
    }

    /// <summary>Fails unless the field was written with the wire type the schema gives it.</summary>
    public readonly void Expect(WireType actual, WireType expected, string field)
    {
        if (actual != expected)
        {
            throw Invalid($"{field} has wire type {actual}, expected {expected}");
        }
    }

    private int ReadLength()
    {
        var length = ReadVarint();
        if (length > (ulong)(_end - _position))
        {
            throw new ModelException(
                ModelErrorCode.Truncated,
                $"a field of {_message} declares {length} bytes but only {_end - _position} remain",
                hint: "The file is truncated or corrupt; export the model again.");
        }

        return (int)length;
    }

    private readonly void Require(int bytes, string what)
    {
        if (_end - _position < bytes)
        {
            throw Truncated(what);
        }
    }

    private readonly ModelException Truncated(string what) => new(
        ModelErrorCode.Truncated,
        $"{_message} ends in the middle of {what}",
        hint: "The file is truncated or corrupt; export the model again.");

    private readonly ModelException Invalid(string what) => new(
        ModelErrorCode.InvalidWireFormat,
        $"{_message} is not valid protobuf: {what}",
        hint: "This is not an ONNX model, or it is corrupt; check that the file is the .onnx the exporter wrote.");
}

/// <summary>How many more nested messages one read may create; shared by a reader and its sub-readers.</summary>
internal sealed class EntryBudget
{
    public int Remaining { get; set; } = ModelLimits.MaxEntries;
}

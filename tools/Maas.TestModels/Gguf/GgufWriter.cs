using System.Text;

namespace Maas.TestModels.Gguf;

/// <summary>
/// Writes a GGUF file (version 3): header, typed metadata, tensor infos, then 32-byte-aligned
/// tensor data. Only what the generated test models need: scalars, strings, arrays of strings
/// and int32, and F32 tensors.
/// </summary>
public sealed class GgufWriter
{
    private const uint Alignment = 32;
    private readonly List<(string Key, Action<BinaryWriter> Write)> _metadata = [];
    private readonly List<(string Name, ulong[] Dims, float[] Data)> _tensors = [];

    private enum ValueType : uint
    {
        UInt32 = 4,
        Int32 = 5,
        Float32 = 6,
        Bool = 7,
        String = 8,
        Array = 9,
    }

    public GgufWriter Add(string key, string value) => AddRaw(key, w => { w.Write((uint)ValueType.String); WriteString(w, value); });

    public GgufWriter Add(string key, uint value) => AddRaw(key, w => { w.Write((uint)ValueType.UInt32); w.Write(value); });

    public GgufWriter Add(string key, float value) => AddRaw(key, w => { w.Write((uint)ValueType.Float32); w.Write(value); });

    public GgufWriter Add(string key, bool value) => AddRaw(key, w => { w.Write((uint)ValueType.Bool); w.Write(value ? (byte)1 : (byte)0); });

    public GgufWriter Add(string key, IReadOnlyList<string> values) => AddRaw(key, w =>
    {
        w.Write((uint)ValueType.Array);
        w.Write((uint)ValueType.String);
        w.Write((ulong)values.Count);
        foreach (var value in values)
        {
            WriteString(w, value);
        }
    });

    public GgufWriter Add(string key, IReadOnlyList<int> values) => AddRaw(key, w =>
    {
        w.Write((uint)ValueType.Array);
        w.Write((uint)ValueType.Int32);
        w.Write((ulong)values.Count);
        foreach (var value in values)
        {
            w.Write(value);
        }
    });

    /// <summary>Adds an F32 tensor; <paramref name="dims"/> in GGUF order (innermost first).</summary>
    public GgufWriter AddTensor(string name, float[] data, params ulong[] dims)
    {
        ulong count = 1;
        foreach (var d in dims)
        {
            count *= d;
        }

        if (count != (ulong)data.Length)
        {
            throw new ArgumentException($"Tensor {name}: {data.Length} values for dims [{string.Join(", ", dims)}].", nameof(data));
        }

        _tensors.Add((name, dims, data));
        return this;
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: false);
        w.Write("GGUF"u8);
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, write) in _metadata)
        {
            WriteString(w, key);
            write(w);
        }

        ulong offset = 0;
        foreach (var (name, dims, data) in _tensors)
        {
            WriteString(w, name);
            w.Write((uint)dims.Length);
            foreach (var d in dims)
            {
                w.Write(d);
            }

            w.Write(0u); // GGML_TYPE_F32
            w.Write(offset);
            offset = Align(offset + ((ulong)data.Length * 4));
        }

        Pad(w);
        foreach (var (_, _, data) in _tensors)
        {
            w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
            Pad(w);
        }
    }

    private GgufWriter AddRaw(string key, Action<BinaryWriter> write)
    {
        _metadata.Add((key, write));
        return this;
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static ulong Align(ulong value) => (value + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter w)
    {
        var position = (ulong)w.BaseStream.Position;
        var padding = (int)(Align(position) - position);
        for (var i = 0; i < padding; i++)
        {
            w.Write((byte)0);
        }
    }
}

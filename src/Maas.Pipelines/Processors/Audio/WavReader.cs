using System.Buffers.Binary;

namespace Maas.Pipelines.Processors.Audio;

/// <summary>
/// Finds the format and the sample data of a RIFF/WAVE file. Unknown chunks are skipped (with
/// the odd-size pad byte), <c>WAVE_FORMAT_EXTENSIBLE</c> is read through its sub-format, and
/// everything else is refused with a message that says what was found and what is supported.
/// </summary>
internal static class WavReader
{
    /// <summary>What decoding supports, for the end of messages.</summary>
    public const string Supported = "send a RIFF/WAVE file with PCM samples (8-bit unsigned, 16/24/32-bit signed) or IEEE float (32/64-bit), any number of channels";

    private const ushort FormatPcm = 0x0001;
    private const ushort FormatFloat = 0x0003;
    private const ushort FormatExtensible = 0xFFFE;
    private const uint UnknownLength = 0xFFFFFFFF;

    // The last 14 bytes of every KSDATAFORMAT_SUBTYPE_* GUID built from a WAVE_FORMAT_* code.
    private static ReadOnlySpan<byte> SubFormatSuffix => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>
    /// Parses <paramref name="file"/>. On success <paramref name="dataOffset"/> and
    /// <paramref name="dataLength"/> locate the interleaved samples (a whole number of frames);
    /// otherwise <paramref name="error"/> says what is wrong.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> file, out WavFormat format, out int dataOffset, out int dataLength, out string error)
    {
        format = default;
        dataOffset = 0;
        dataLength = 0;
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            error = $"is not a RIFF/WAVE file ({Describe(file)})";
            return false;
        }

        // The RIFF size is often 0 or wrong in streamed files; the bytes present are what counts
        // (scanning stops at the data once the format is known, so trailing bytes do not matter).
        var end = file.Length;
        var hasFormat = false;
        var dataStart = -1;
        var offset = 12;
        while (offset + 8 <= end && !(hasFormat && dataStart >= 0))
        {
            var id = file.Slice(offset, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file[(offset + 4)..]);
            var body = offset + 8;
            if (id.SequenceEqual("data"u8))
            {
                if (size == UnknownLength)
                {
                    size = (uint)(end - body);
                }
                else if (size > (uint)(end - body))
                {
                    error = $"is truncated: its data chunk declares {size} bytes but only {end - body} follow; send the whole file";
                    return false;
                }

                dataStart = body;
                dataLength = (int)size;
            }
            else if (size > (uint)(end - body))
            {
                error = $"is truncated or corrupt: chunk '{ChunkName(id)}' at byte {offset} declares {size} bytes but only {end - body} follow";
                return false;
            }
            else if (id.SequenceEqual("fmt "u8))
            {
                if (!TryReadFormat(file.Slice(body, (int)size), out format, out error))
                {
                    return false;
                }

                hasFormat = true;
            }

            offset = body + (int)Math.Min(size, (uint)(end - body));
            offset += offset & 1;
        }

        if (!hasFormat)
        {
            error = "has no 'fmt ' chunk before its end (a truncated or corrupt file)";
            return false;
        }

        if (dataStart < 0)
        {
            error = "has no 'data' chunk (a truncated or corrupt file)";
            return false;
        }

        if (dataLength % format.BlockAlign != 0)
        {
            error = $"is truncated: its data chunk is {dataLength} bytes, not a whole number of {format.BlockAlign}-byte frames ({format})";
            return false;
        }

        dataOffset = dataStart;
        error = "";
        return true;
    }

    private static bool TryReadFormat(ReadOnlySpan<byte> fmt, out WavFormat format, out string error)
    {
        format = default;
        if (fmt.Length < 16)
        {
            error = $"has a 'fmt ' chunk of {fmt.Length} bytes; it needs at least 16 (a corrupt file)";
            return false;
        }

        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (tag == FormatExtensible)
        {
            // cbSize (2), valid bits (2), channel mask (4), sub-format GUID (16).
            if (fmt.Length < 40 || BinaryPrimitives.ReadUInt16LittleEndian(fmt[16..]) < 22)
            {
                error = $"is WAVE_FORMAT_EXTENSIBLE but its 'fmt ' chunk is {fmt.Length} bytes, too short for the sub-format (40 needed)";
                return false;
            }

            var guid = fmt.Slice(24, 16);
            var subTag = BinaryPrimitives.ReadUInt16LittleEndian(guid);
            if (!guid[2..].SequenceEqual(SubFormatSuffix))
            {
                error = $"is WAVE_FORMAT_EXTENSIBLE with sub-format {new Guid(guid)}, which is not PCM or IEEE float; {Supported}";
                return false;
            }

            tag = subTag;
        }

        WavEncoding encoding;
        switch (tag)
        {
            case FormatPcm when bits is 8 or 16 or 24 or 32:
                encoding = WavEncoding.Pcm;
                break;
            case FormatPcm:
                error = $"is {bits}-bit PCM; supported PCM depths are 8, 16, 24 and 32 bits (convert it, e.g. with 'sox in.wav -b 16 out.wav')";
                return false;
            case FormatFloat when bits is 32 or 64:
                encoding = WavEncoding.Float;
                break;
            case FormatFloat:
                error = $"is {bits}-bit IEEE float; supported float sizes are 32 and 64 bits";
                return false;
            default:
                error = $"is encoded as {FormatName(tag)} (format tag 0x{tag:X4}); {Supported} (convert it, e.g. with 'ffmpeg -i in.wav -c:a pcm_s16le out.wav')";
                return false;
        }

        if (channels == 0)
        {
            error = "declares 0 channels (a corrupt file); it needs at least 1";
            return false;
        }

        if (rate == 0 || rate > int.MaxValue)
        {
            error = $"declares a sample rate of {rate} Hz (a corrupt file)";
            return false;
        }

        format = new WavFormat(encoding, channels, (int)rate, bits);
        var blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        if (blockAlign != format.BlockAlign)
        {
            error = $"declares {blockAlign}-byte frames, but {format} takes {format.BlockAlign} bytes a frame (a corrupt file)";
            return false;
        }

        error = "";
        return true;
    }

    private static string FormatName(ushort tag) => tag switch
    {
        0x0002 => "Microsoft ADPCM",
        0x0006 => "A-law",
        0x0007 => "mu-law",
        0x0011 => "IMA ADPCM",
        0x0031 => "GSM 6.10",
        0x0050 => "MPEG audio",
        0x0055 => "MP3",
        0x00FF => "AAC",
        0x2000 => "AC-3",
        0xF1AC => "FLAC",
        _ => "an unsupported encoding",
    };

    private static string ChunkName(ReadOnlySpan<byte> id)
    {
        Span<char> chars = stackalloc char[4];
        for (var i = 0; i < 4; i++)
        {
            chars[i] = id[i] is >= 0x20 and < 0x7F ? (char)id[i] : '?';
        }

        return new string(chars);
    }

    // Names what the bytes look like instead (never echoes more than a magic number).
    private static string Describe(ReadOnlySpan<byte> file)
    {
        if (file.Length == 0)
        {
            return "it is empty";
        }

        if (file.Length < 12)
        {
            return $"it is only {file.Length} bytes; a WAV header is at least 44";
        }

        string? kind = file switch
        {
            _ when file.StartsWith("ID3"u8) || (file[0] == 0xFF && (file[1] & 0xE0) == 0xE0) => "an MP3 file",
            _ when file.StartsWith("OggS"u8) => "an Ogg file",
            _ when file.StartsWith("fLaC"u8) => "a FLAC file",
            _ when file.StartsWith("RF64"u8) => "an RF64 file (WAV over 4 GiB), which is not supported",
            _ when file.StartsWith("RIFF"u8) => $"a RIFF file of form '{ChunkName(file.Slice(8, 4))}', not 'WAVE'",
            _ when file.StartsWith("RIFX"u8) => "a big-endian RIFX file",
            _ => null,
        };
        return kind is null ? $"it starts with bytes {Convert.ToHexString(file[..4])}" : $"it looks like {kind}";
    }
}

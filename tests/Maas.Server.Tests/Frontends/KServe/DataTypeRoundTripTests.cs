using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Maas.Server.Tests.Support;
using Maas.Tensors;
using static Maas.Server.Tests.Support.KServeJson;

namespace Maas.Server.Tests.Frontends.KServe;

/// <summary>Every datatype through an Identity model, by JSON and by the binary extension: same answer.</summary>
public sealed class DataTypeRoundTripTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    // Values that probe each type's edges; written as JSON literals.
    public static TheoryData<string, string> Cases => new()
    {
        { "BOOL", "[true, false, true]" },
        { "UINT8", "[0, 255, 7]" },
        { "UINT16", "[0, 65535, 7]" },
        { "UINT32", "[0, 4294967295, 7]" },
        { "UINT64", "[0, 18446744073709551615, 7]" },
        { "INT8", "[-128, 127, 0]" },
        { "INT16", "[-32768, 32767, 0]" },
        { "INT32", "[-2147483648, 2147483647, 0]" },
        { "INT64", "[-9223372036854775808, 9223372036854775807, 0]" },
        { "FP16", "[0.5, -2, 65504]" },
        { "BF16", "[1.5, -2, 256]" },
        { "FP32", "[1.5, -2.25, 3.4028235E+38]" },
        { "FP64", "[0.1, -2.5, 1E+300]" },
        { "BYTES", "[\"a\", \"\", \"xyz\"]" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Identity_JsonAndBinaryPaths_ReturnTheSameValues(string datatype, string values)
    {
        Assert.True(DataTypes.TryParse(datatype, out var type));
        var model = ServerFixture.IdentityModel(type);
        var expected = Encode(type, JsonNode.Parse(values)!.AsArray());

        var jsonBody = $$$"""{"inputs": [{"name": "x", "shape": [3], "datatype": "{{{datatype}}}", "data": {{{values}}}}]}""";
        using var jsonResponse = await _client.PostAsync($"/v2/models/{model}/infer", Json(jsonBody));
        Assert.Equal(HttpStatusCode.OK, jsonResponse.StatusCode);
        var output = (await ReadJsonAsync(jsonResponse))["outputs"]![0]!;
        Assert.Equal(datatype, output["datatype"]!.GetValue<string>());
        Assert.Equal(expected, Encode(type, output["data"]!.AsArray()));

        var header = $$$"""{"inputs": [{"name": "x", "shape": [3], "datatype": "{{{datatype}}}", "parameters": {"binary_data_size": {{{expected.Length}}}}}], "outputs": [{"name": "y", "parameters": {"binary_data": true}}]}""";
        using var binaryResponse = await _client.PostAsync($"/v2/models/{model}/infer", Binary(header, expected));
        Assert.Equal(HttpStatusCode.OK, binaryResponse.StatusCode);
        var (responseHeader, binary) = await ReadBinaryAsync(binaryResponse);
        Assert.Equal(expected.Length, responseHeader["outputs"]![0]!["parameters"]!["binary_data_size"]!.GetValue<int>());
        Assert.Null(responseHeader["outputs"]![0]!["data"]);
        Assert.Equal(expected, binary);
    }

    /// <summary>The protocol's raw layout of JSON values, written independently of the server's code.</summary>
    internal static byte[] Encode(DataType type, JsonArray values)
    {
        var stream = new MemoryStream();
        Span<byte> scratch = stackalloc byte[8];
        foreach (var node in values)
        {
            var value = node!.AsValue();
            switch (type)
            {
                case DataType.Bool: stream.WriteByte(value.GetValue<bool>() ? (byte)1 : (byte)0); break;
                case DataType.UInt8: stream.WriteByte(value.GetValue<byte>()); break;
                case DataType.Int8: stream.WriteByte(unchecked((byte)value.GetValue<sbyte>())); break;
                case DataType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(scratch, value.GetValue<ushort>()); stream.Write(scratch[..2]); break;
                case DataType.Int16: BinaryPrimitives.WriteInt16LittleEndian(scratch, value.GetValue<short>()); stream.Write(scratch[..2]); break;
                case DataType.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(scratch, value.GetValue<uint>()); stream.Write(scratch[..4]); break;
                case DataType.Int32: BinaryPrimitives.WriteInt32LittleEndian(scratch, value.GetValue<int>()); stream.Write(scratch[..4]); break;
                case DataType.UInt64: BinaryPrimitives.WriteUInt64LittleEndian(scratch, value.GetValue<ulong>()); stream.Write(scratch[..8]); break;
                case DataType.Int64: BinaryPrimitives.WriteInt64LittleEndian(scratch, value.GetValue<long>()); stream.Write(scratch[..8]); break;
                case DataType.Fp16: BinaryPrimitives.WriteHalfLittleEndian(scratch, (Half)value.GetValue<double>()); stream.Write(scratch[..2]); break;
                case DataType.Bf16: BinaryPrimitives.WriteUInt16LittleEndian(scratch, (ushort)(BitConverter.SingleToUInt32Bits(value.GetValue<float>()) >> 16)); stream.Write(scratch[..2]); break;
                case DataType.Fp32: BinaryPrimitives.WriteSingleLittleEndian(scratch, value.GetValue<float>()); stream.Write(scratch[..4]); break;
                case DataType.Fp64: BinaryPrimitives.WriteDoubleLittleEndian(scratch, value.GetValue<double>()); stream.Write(scratch[..8]); break;
                case DataType.Bytes:
                    var text = Encoding.UTF8.GetBytes(value.GetValue<string>());
                    BinaryPrimitives.WriteInt32LittleEndian(scratch, text.Length);
                    stream.Write(scratch[..4]);
                    stream.Write(text);
                    break;
                default: throw new ArgumentOutOfRangeException(nameof(type));
            }
        }

        return stream.ToArray();
    }
}

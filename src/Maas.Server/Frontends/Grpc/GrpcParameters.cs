using Google.Protobuf.Collections;
using Maas.Errors;
using Maas.Grpc.Protocol;

namespace Maas.Server.Frontends.Grpc;

/// <summary>
/// Converts the protocol's <c>map&lt;string, InferParameter&gt;</c> to the canonical parameter
/// dictionary, whose values are bool, long, double or string as on the REST path. Unsigned values
/// become long when they fit: Triton's clients send <c>priority</c> as uint64.
/// </summary>
internal static class GrpcParameters
{
    public static Dictionary<string, object>? Read(MapField<string, InferParameter> parameters, string where)
    {
        if (parameters.Count == 0)
        {
            return null;
        }

        var result = new Dictionary<string, object>(parameters.Count, StringComparer.Ordinal);
        foreach (var (key, value) in parameters)
        {
            result[key] = value.ParameterChoiceCase switch
            {
                InferParameter.ParameterChoiceOneofCase.BoolParam => value.BoolParam,
                InferParameter.ParameterChoiceOneofCase.Int64Param => value.Int64Param,
                InferParameter.ParameterChoiceOneofCase.StringParam => value.StringParam,
                InferParameter.ParameterChoiceOneofCase.DoubleParam => value.DoubleParam,
                InferParameter.ParameterChoiceOneofCase.Uint64Param when value.Uint64Param <= long.MaxValue => (long)value.Uint64Param,
                InferParameter.ParameterChoiceOneofCase.Uint64Param => throw MaasError.InvalidArgument($"{where} '{key}' is {value.Uint64Param}, larger than this server accepts ({long.MaxValue})."),
                _ => throw MaasError.InvalidArgument($"{where} '{key}' has no value; set one of bool_param, int64_param, string_param, double_param, uint64_param."),
            };
        }

        return result;
    }
}

using Maas.Errors;

namespace Maas.Abstractions.Tests.Errors;

public class MaasErrorTests
{
    public static TheoryData<Func<string, MaasError>, MaasErrorCode> Factories => new()
    {
        { MaasError.InvalidArgument, MaasErrorCode.InvalidArgument },
        { MaasError.NotFound, MaasErrorCode.NotFound },
        { MaasError.Unavailable, MaasErrorCode.Unavailable },
        { MaasError.ResourceExhausted, MaasErrorCode.ResourceExhausted },
        { MaasError.Unsupported, MaasErrorCode.Unsupported },
        { MaasError.DeadlineExceeded, MaasErrorCode.DeadlineExceeded },
        { m => MaasError.Internal(m), MaasErrorCode.Internal },
    };

    [Theory]
    [MemberData(nameof(Factories))]
    public void Factory_SetsItsCodeAndKeepsTheMessage(Func<string, MaasError> create, MaasErrorCode code)
    {
        var error = create("what went wrong");

        Assert.Equal(code, error.Code);
        Assert.Equal("what went wrong", error.Message);
    }

    [Fact]
    public void Internal_KeepsTheEngineException()
    {
        var inner = new InvalidOperationException("engine");

        var error = MaasError.Internal("failed", inner);

        Assert.Same(inner, error.InnerException);
    }
}

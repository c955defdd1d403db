using Maas.Errors;
using Maas.Tensors;

namespace Maas.Pipelines.Processors.Image;

/// <summary>Reads and checks a UINT8 [H, W, 3] RGB image input, as <c>image_decode</c> writes it.</summary>
internal static class ImageInput
{
    /// <summary>The pixels of input <paramref name="port"/>, row-major RGB; throws InvalidArgument for another type or shape.</summary>
    public static ReadOnlySpan<byte> Read(ProcessorContext context, string port, out int height, out int width)
    {
        var tensor = context.Input(port);
        var shape = tensor.Shape;
        if (tensor.DataType != DataType.UInt8 || shape.Rank != 3 || shape[2] != 3 || shape[0] < 1 || shape[1] < 1)
        {
            throw MaasError.InvalidArgument(
                $"step '{context.StepName}': input '{port}' ({tensor.Name}) is {tensor.DataType.WireName()} {shape}; " +
                "this step needs UINT8 [height, width, 3] RGB pixels, as image_decode writes them");
        }

        height = checked((int)shape[0]);
        width = checked((int)shape[1]);
        return tensor.Data.Span;
    }
}

using Maas.Pipelines.Processors;

namespace Maas.Pipelines.Tests.Image;

public sealed class ImageRegistryTests
{
    [Theory]
    [InlineData("image_decode")]
    [InlineData("image_tensor")]
    [InlineData("text_boxes")]
    [InlineData("crop")]
    [InlineData("ctc_decode")]
    public void Image_processors_are_registered(string kind) =>
        Assert.Equal(kind, ProcessorRegistry.Find(kind)?.Kind);
}

using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Maas.DemoRepository;

/// <summary>
/// Reads managed resources straight out of an assembly file.
/// </summary>
/// <remarks>
/// The MiniLM package ships its ONNX model only as an embedded resource. Reading the PE file with
/// System.Reflection.Metadata avoids loading a netstandard assembly (and its dependencies) into
/// this process. In the CLI resources directory each embedded resource is a 4-byte little-endian
/// length followed by the bytes, at the offset its ManifestResource row gives.
/// </remarks>
internal static class EmbeddedResources
{
    /// <summary>Returns the bytes of the embedded resource <paramref name="resourceName"/>.</summary>
    /// <exception cref="InvalidDataException">The file has no such embedded resource.</exception>
    public static byte[] Read(string assemblyPath, string resourceName)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream, PEStreamOptions.PrefetchEntireImage);
        var metadata = pe.GetMetadataReader();
        var directory = pe.PEHeaders.CorHeader?.ResourcesDirectory
            ?? throw new InvalidDataException($"{assemblyPath} is not a managed assembly.");

        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (!resource.Implementation.IsNil || metadata.GetString(resource.Name) != resourceName)
            {
                continue; // Not embedded in this file, or another resource.
            }

            var section = pe.GetSectionData(directory.RelativeVirtualAddress);
            var reader = section.GetReader(checked((int)resource.Offset), directory.Size - checked((int)resource.Offset));
            var length = reader.ReadInt32();
            return reader.ReadBytes(length);
        }

        throw new InvalidDataException($"{assemblyPath} has no embedded resource '{resourceName}'.");
    }
}

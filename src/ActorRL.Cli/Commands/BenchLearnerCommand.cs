using System.CommandLine;
using System.Text.Json;
using ActorRL.Benchmarks.Learner;
using ActorRL.Core.Configuration;
using ActorRL.Model;
using ActorRL.Model.Decoder;
using ActorRL.Model.HuggingFace;
using ActorRL.Model.Settings;

namespace ActorRL.Cli.Commands;

/// <summary>
/// <c>actorrl bench learner --model DIR</c>: peak memory and seconds per learner update, unsplit and under
/// learner.micro-batch-tokens budgets, for several batch sizes (see <see cref="LearnerBenchmark"/>).
/// </summary>
public static class BenchLearnerCommand
{
    public static Command Build(TextWriter output)
    {
        var model = new Option<string>("--model")
        {
            Description = "A Hugging Face model folder, e.g. the qwen3 model samples/qwen-tiny/setup.sh makes with `actorrl model init` on Qwen3's real tokenizer",
            Required = true,
        };
        var batches = new Option<string>("--batches") { Description = "Comma-separated responses per update; each runs unsplit and under every budget", DefaultValueFactory = _ => "8,32" };
        var budgets = new Option<string>("--budgets") { Description = "Comma-separated learner.micro-batch-tokens budgets", DefaultValueFactory = _ => "256,512,1024" };
        var promptTokens = new Option<int>("--prompt-tokens") { Description = "Tokens of every prompt", DefaultValueFactory = _ => 16 };
        var responseTokens = new Option<int>("--response-tokens") { Description = "Longest response; lengths spread over ¼–1 of it", DefaultValueFactory = _ => 64 };
        var updates = new Option<int>("--updates") { Description = "Timed updates per case (after one untimed)", DefaultValueFactory = _ => 2 };
        var loraRank = new Option<int?>("--lora-rank") { Description = "Also compare full fine-tuning with LoRA adapters of this rank on every projection: trainable parameters, weight-sync bytes per version, update time" };
        var command = new Command("learner",
            """
            Peak resident memory and seconds per learner update (GRPO, random-token responses) for each batch size, unsplit and
            under each micro-batch token budget, with ratios to unsplit: with a budget, memory should follow the budget, not the batch.
            """);
        foreach (var option in new Option[] { model, batches, budgets, promptTokens, responseTokens, updates, loraRank }) command.Add(option);
        command.SetAction(parse =>
        {
            var options = new LearnerBenchmarkOptions(
                Positive(parse.GetValue(batches)!, "--batches"),
                Positive(parse.GetValue(budgets)!, "--budgets"),
                AtLeastOne(parse.GetValue(promptTokens), "--prompt-tokens"),
                AtLeastOne(parse.GetValue(responseTokens), "--response-tokens"),
                AtLeastOne(parse.GetValue(updates), "--updates"),
                LoraRank: parse.GetValue(loraRank) is { } rank ? AtLeastOne(rank, "--lora-rank") : null);
            var longest = options.PromptTokens + options.ResponseTokens;
            if (options.Budgets.Min() < longest)
                throw new UsageException($"--budgets: {options.Budgets.Min()} is smaller than the longest sequence ({options.PromptTokens} prompt + {options.ResponseTokens} response tokens)");
            var directory = parse.GetValue(model)!;
            if (!File.Exists(Path.Combine(directory, "config.json")))
                throw new UsageException($"--model: {directory} is not a Hugging Face model folder (no config.json); samples/qwen-tiny/setup.sh makes one");
            LearnerBenchmark.Run(output, rank => Load(directory, longest, rank), options);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The folder as a policy, through the factory a run uses, so LoRA is wired exactly as in training.</summary>
    internal static ActorRL.Model.Policies.IPolicy Load(string directory, int maxSequenceLength, int? loraRank)
    {
        var config = HuggingFaceLoader.ReadConfig(ModelFolder.Open(directory));
        // A JSON string is a valid HOCON quoted string, whatever the path holds.
        var settings = ModelSettings.FromConfig(SettingsReader.FromReference(
            $"actorrl.model {{ architecture = {DecoderConfig.ModelTypeOf(config.Family)}, path = {JsonSerializer.Serialize(directory)}, max-seq-len = {maxSequenceLength} }}",
            "actorrl.model"));
        if (loraRank is { } rank) settings = settings with { Lora = new LoraSettings(rank, 2.0 * rank, 0, LoraSettings.DecoderProjections) };
        return PolicyFactory.Create(settings, PolicyFactory.CreateTokenizer(settings), seed: 1);
    }

    private static int AtLeastOne(int value, string option) => value >= 1 ? value : throw new UsageException($"{option} must be ≥ 1, got {value}");

    private static IReadOnlyList<int> Positive(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new List<int>(parts.Length);
        foreach (var part in parts)
            values.Add(int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= 1
                ? v
                : throw new UsageException($"{option} takes comma-separated whole numbers ≥ 1, got '{part}'"));
        return values.Count > 0 ? values : throw new UsageException($"{option} needs at least one number");
    }
}

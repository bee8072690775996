using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using ActorRL.Engine.Training;
using ActorRL.Model.HuggingFace;
using ActorRL.Model.Policies;
using static TorchSharp.torch;

namespace ActorRL.Cli.Commands;

/// <summary>
/// <c>actorrl model generate DIR (--prompt TEXT | --ids …)</c>: one completion from the folder's model through the
/// generators' own sampler (KV cache, padded vocabulary never drawn), as text or, with --json, ids and log-probs.
/// </summary>
public static class ModelGenerateCommand
{
    public static Command Build(TextWriter output)
    {
        var folder = new Argument<string>("DIR") { Description = "A Hugging Face model folder (config.json, *.safetensors, tokenizer.json)" };
        var prompt = new Option<string?>("--prompt") { Description = "Prompt text (encoded with the folder's tokenizer)" };
        var ids = new Option<string?>("--ids") { Description = "Prompt as comma-separated token ids instead of text" };
        var chat = new Option<bool>("--chat") { Description = "Render --prompt as the user turn of the folder's chat template; stop at its end of turn" };
        var system = new Option<string?>("--system") { Description = "With --chat: the system message (default: the template's own)" };
        var noThinking = new Option<bool>("--no-thinking") { Description = "With --chat on Qwen3: enable_thinking = false (an empty think block opens the reply)" };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Longest completion", DefaultValueFactory = _ => 64 };
        var greedy = new Option<bool>("--greedy") { Description = "Arg-max decoding (otherwise sampling at --temperature)" };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature", DefaultValueFactory = _ => 1.0 };
        var topP = new Option<double>("--top-p") { Description = "Nucleus mass in (0, 1]", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<long>("--seed") { Description = "Sampling seed", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print {\"prompt_ids\", \"ids\", \"log_probs\", \"text\", \"finish\"} as one JSON line" };
        var command = new Command("generate", "Generate one completion with the folder's model (the generators' sampler)");
        command.Add(folder);
        foreach (var option in new Option[] { prompt, ids, chat, system, noThinking, maxNew, greedy, temperature, topP, seed, json }) command.Add(option);
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(folder)!;
            var (text, idText) = (parse.GetValue(prompt), parse.GetValue(ids));
            if ((text is null) == (idText is null)) throw new UsageException("give exactly one of --prompt TEXT and --ids 1,2,3");
            if (parse.GetValue(chat) && text is null) throw new UsageException("--chat renders --prompt; it cannot be used with --ids");
            var maxNewTokens = parse.GetValue(maxNew);
            if (maxNewTokens < 1) throw new UsageException($"--max-new-tokens must be ≥ 1, got {maxNewTokens}");

            // The RoPE table and the cache bound cover the model's context (capped: a 128k table is memory for nothing here).
            var context = Math.Min(HuggingFaceLoader.ReadConfig(ModelFolder.Open(directory)).MaxPositionEmbeddings, 8192);
            using var policy = HuggingFaceLoader.LoadPolicy(directory, context);
            var encoding = Encoding(directory, policy, parse.GetValue(chat), parse.GetValue(system), parse.GetValue(noThinking));
            var promptIds = idText is not null ? ModelCommand.ParseIds(idText, "--ids") : encoding.Prompt(text!);
            var request = new SamplingRequest([promptIds], 1, parse.GetValue(greedy) ? 0 : parse.GetValue(temperature), parse.GetValue(topP),
                Math.Min(maxNewTokens, context - promptIds.Count), encoding.StopTokenIds, Seed: parse.GetValue(seed));
            try
            {
                request.Validate(policy.MaxSequenceLength, policy.Tokenizer.VocabularySize);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            SampledResponse response;
            using (NewDisposeScope())
            using (no_grad())
            {
                response = policy.Sample(request)[0];
            }
            output.WriteLine(parse.GetValue(json)
                ? JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["prompt_ids"] = promptIds,
                    ["ids"] = response.TokenIds,
                    ["log_probs"] = response.LogProbs.Select(p => (double)p).ToArray(),
                    ["text"] = response.Text,
                    ["finish"] = response.FinishReason.ToString().ToLowerInvariant(),
                }, ReadableJson)
                : response.Text);
            return ExitCodes.Ok;
        });
        return command;
    }

    // The text is for people: keep non-ASCII characters as they are instead of \uXXXX escapes.
    private static readonly JsonSerializerOptions ReadableJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static PromptEncoding Encoding(string directory, CausalLmPolicy policy, bool chat, string? system, bool noThinking)
    {
        if (!chat) return new PromptEncoding(policy.Tokenizer);
        var template = ChatMlTemplate.FromFolder(directory)
                       ?? throw new UsageException($"{Path.GetFullPath(directory)} has no chat template; drop --chat");
        if (noThinking && template.ThinkingOffSuffix is null) throw new UsageException("--no-thinking needs a template with an enable_thinking switch (Qwen3's)");
        var endOfTurn = policy.Tokenizer.Encode(ChatMlTemplate.EndOfTurn);
        return new PromptEncoding(policy.Tokenizer, user => template.RenderPrompt(user, system, noThinking ? false : null),
            endOfTurn.Count == 1 ? endOfTurn[0] : null);
    }
}

using System.Text.RegularExpressions;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Tests.Shared;

namespace ActorRL.Cli.Tests;

/// <summary>
/// docs/coming-from-trl-and-verl.md names only keys that exist, and its two presets (hocon/presets/) validate the way
/// <c>actorrl config check</c> validates and set what the doc's tables say they set.
/// </summary>
public sealed class ComingFromTrlAndVerlDocTests
{
    private const string Doc = "docs/coming-from-trl-and-verl.md";
    private const string TrlPreset = "hocon/presets/trl-grpo.conf";
    private const string VerlPreset = "hocon/presets/verl-grpo.conf";

    private static readonly Regex FencedBlock = new(@"^```[^\n]*\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline);
    private static readonly Regex InlineCode = new(@"`([^`\n]+)`");
    private static readonly Regex ActorRLKey = new(@"(?<![\w./-])actorrl(?:\.[a-z0-9][a-z0-9-]*)+");

    private static string DocText => File.ReadAllText(RepositoryFiles.Path(Doc));

    /// <summary>Every <c>actorrl.…</c> token inside the doc's code: inline spans and fenced blocks (commands, HOCON).</summary>
    private static IReadOnlyList<string> KeysNamedIn(string markdown)
    {
        var code = new List<string>();
        var prose = FencedBlock.Replace(markdown, m =>
        {
            code.Add(m.Groups[1].Value);
            return "";
        });
        code.AddRange(InlineCode.Matches(prose).Select(m => m.Groups[1].Value));
        return code.SelectMany(c => ActorRLKey.Matches(c).Select(m => m.Value)).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void Every_ActorRL_key_the_doc_names_exists_in_reference_conf()
    {
        var referencePath = RepositoryFiles.Path("hocon/reference.conf");
        var reference = HoconParser.Parse(File.ReadAllText(referencePath), referencePath);
        var keys = KeysNamedIn(DocText);

        Assert.True(keys.Count >= 40, $"expected the doc to name at least 40 ActorRL keys, found {keys.Count}: {string.Join(", ", keys)}");
        var missing = keys.Where(k => HoconResolver.Find(reference, k) is null).ToList();
        Assert.True(missing.Count == 0, $"{Doc} names {missing.Count} key(s) that hocon/reference.conf does not have: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_key_extraction_sees_inline_code_and_fenced_blocks_but_not_prose()
    {
        const string markdown = "Set `actorrl.pipeline.group-size` (not actorrl.prose.key), run `actorrl train`.\n" +
                                "```bash\nactorrl train x.conf --set actorrl.learner.lr=1e-6\n```\n" +
                                "A file `hocon/actorrl.conf.d` is no key.\n";

        Assert.Equal(new[] { "actorrl.learner.lr", "actorrl.pipeline.group-size" }, KeysNamedIn(markdown));
    }

    [Theory]
    [InlineData(TrlPreset, null)]
    [InlineData(TrlPreset, "samples/arithmetic/pipeline.conf")]
    [InlineData(TrlPreset, "samples/gsm8k-qwen/pipeline.conf")]
    [InlineData(VerlPreset, null)]
    [InlineData(VerlPreset, "samples/arithmetic/pipeline.conf")]
    [InlineData(VerlPreset, "samples/gsm8k-qwen/pipeline.conf")]
    public async Task A_preset_passes_config_check_alone_and_after_a_sample_pipeline(string preset, string? pipeline)
    {
        var files = pipeline is null
            ? new[] { RepositoryFiles.Path(preset) }
            : new[] { RepositoryFiles.Path(pipeline), RepositoryFiles.Path(preset) };

        var (code, output, error) = await CliRunner.Run(new[] { "config", "check" }.Concat(files).ToArray());

        Assert.True(code == 0, $"config check {string.Join(" ", files)} exited {code}: {error}");
        Assert.StartsWith("OK:", output);
    }

    [Theory]
    [InlineData("trl-grpo.conf", 8)]
    [InlineData("verl-grpo.conf", 5)]
    public void An_included_preset_is_found_in_hocon_and_the_including_file_wins(string preset, int groupSize)
    {
        var dir = Directory.CreateTempSubdirectory("actorrl-preset-").FullName;
        try
        {
            var pipeline = Path.Combine(dir, "pipeline.conf");
            File.WriteAllText(pipeline, $"include \"presets/{preset}\"\nactorrl.pipeline.groups-per-step = 12\n");

            var settings = ActorRLSettings.FromConfig(
                PipelineConfig.Load(new[] { pipeline }, Array.Empty<string>(), new[] { RepositoryFiles.Path("hocon") }));

            Assert.Equal(12, settings.Pipeline.GroupsPerStep);
            Assert.Equal(groupSize, settings.Pipeline.GroupSize);
            Assert.Equal(1e-6, settings.Learner.LearningRate);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// A row of one of the doc's tables (found by its first cell, their key) names the ActorRL key and the value, and
    /// the preset, loaded as <c>actorrl config check</c> loads it, sets that value.
    /// </summary>
    public static TheoryData<string, string, string, string, string> PresetRows => new()
    {
        // preset, their key, ActorRL key, text in the row, expected value (invariant culture)
        { TrlPreset, "num_generations", "actorrl.pipeline.group-size", "`8`", "8" },
        { TrlPreset, "per_device_train_batch_size", "actorrl.pipeline.groups-per-step", "8 / 8 = `1`", "1" },
        { TrlPreset, "max_completion_length", "actorrl.generation.max-new-tokens", "`256`", "256" },
        { TrlPreset, "epsilon", "actorrl.algorithm.clip-low", "`0.2`", "0.2" },
        { TrlPreset, "epsilon_high", "actorrl.algorithm.clip-high", "TRL's default: `0.2`", "0.2" },
        { TrlPreset, "loss_type", "actorrl.algorithm.aggregation", "`\"dapo\"` → `token-mean`", "token-mean" },
        { TrlPreset, "scale_rewards", "actorrl.algorithm.advantage-eps", "`1e-4`", "0.0001" },
        { TrlPreset, "beta", "actorrl.algorithm.kl.coef", "`0.0`", "0" },
        { TrlPreset, "learning_rate", "actorrl.learner.lr", "`1e-6`", "1E-06" },
        { TrlPreset, "seed", "actorrl.run.seed", "`42`", "42" },
        { VerlPreset, "data.train_batch_size", "actorrl.pipeline.groups-per-step", "`1024`", "1024" },
        { VerlPreset, "actor_rollout_ref.rollout.n", "actorrl.pipeline.group-size", "example: `5`", "5" },
        { VerlPreset, "actor_rollout_ref.actor.ppo_mini_batch_size", "actorrl.pipeline.mini-batches", "= `4`", "4" },
        { VerlPreset, "data.max_response_length", "actorrl.generation.max-new-tokens", "example: `1024`", "1024" },
        { VerlPreset, "actor_rollout_ref.actor.clip_ratio_low", "actorrl.algorithm.clip-low", "`0.2`", "0.2" },
        { VerlPreset, "actor_rollout_ref.actor.clip_ratio_high", "actorrl.algorithm.clip-high", "`0.2`", "0.2" },
        { VerlPreset, "actor_rollout_ref.actor.clip_ratio_c", "actorrl.algorithm.dual-clip", "`3.0`", "3" },
        { VerlPreset, "actor_rollout_ref.actor.loss_agg_mode", "actorrl.algorithm.aggregation", "`token-mean`", "token-mean" },
        { VerlPreset, "actor_rollout_ref.actor.kl_loss_coef", "actorrl.algorithm.kl.coef", "`0.001`", "0.001" },
        { VerlPreset, "actor_rollout_ref.actor.optim.lr", "actorrl.learner.lr", "`1e-6`", "1E-06" },
    };

    [Theory]
    [MemberData(nameof(PresetRows))]
    public void A_preset_sets_what_the_doc_table_says(string preset, string theirKey, string actorrlKey, string rowText, string expected)
    {
        var row = Assert.Single(DocText.Split('\n'), line => line.StartsWith($"| `{theirKey}`", StringComparison.Ordinal));
        Assert.Contains($"`{actorrlKey}`", row);
        Assert.Contains(rowText, row);

        var settings = ActorRLSettings.FromConfig(PipelineConfig.Load(new[] { RepositoryFiles.Path(preset) }, Array.Empty<string>()));
        Assert.Equal(expected, Effective(settings, actorrlKey));
    }

    private static string Effective(ActorRLSettings s, string key) => key switch
    {
        "actorrl.run.seed" => Text(s.Run.Seed),
        "actorrl.pipeline.group-size" => Text(s.Pipeline.GroupSize),
        "actorrl.pipeline.groups-per-step" => Text(s.Pipeline.GroupsPerStep),
        "actorrl.pipeline.mini-batches" => Text(s.Pipeline.MiniBatches),
        "actorrl.generation.max-new-tokens" => Text(s.Generation.MaxNewTokens),
        "actorrl.algorithm.clip-low" => Text(s.Algorithm.ClipLow),
        "actorrl.algorithm.clip-high" => Text(s.Algorithm.ClipHigh),
        "actorrl.algorithm.dual-clip" => Text(s.Algorithm.DualClip),
        "actorrl.algorithm.aggregation" => s.Algorithm.Aggregation.Name,
        "actorrl.algorithm.advantage-eps" => Text(s.Algorithm.AdvantageEps),
        "actorrl.algorithm.kl.coef" => Text(s.Algorithm.Kl.Coef),
        "actorrl.learner.lr" => Text(s.Learner.LearningRate),
        _ => throw new ArgumentException($"no typed setting mapped for {key}"),
    };

    private static string Text(IFormattable? value) =>
        value?.ToString(null, System.Globalization.CultureInfo.InvariantCulture) ?? "null";
}

using System.Security.Cryptography;
using ActorRL.Engine.Persistence;
using ActorRL.Model.Tests.HuggingFace;
using ActorRL.Tests.Shared;
using static TorchSharp.torch;

namespace ActorRL.Cli.Tests.Recovery;

/// <summary>
/// One checkpoint truth: a run's policy is its ledger's newest committed checkpoint, which eval reads, and a process
/// that does not train (a finished run started again) writes no weights.
/// </summary>
public sealed class CheckpointTruthTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-truth-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Pipeline(string name, string extra)
    {
        var file = Path.Combine(_root, name + ".conf");
        File.WriteAllText(file, TinyJobConfig.Hocon(Path.Combine(_root, name), maxStaleness: 1, rlSteps: 2, "persistence.checkpoint-every = 1\n" + extra));
        return file;
    }

    /// <summary>A small qwen3 folder (random weights) to start RL from without a warm start.</summary>
    private string PretrainedModel()
    {
        using var scope = NewDisposeScope();
        var config = TinyQwenFolder.Config("Qwen3ForCausalLM", tie: true);
        return TinyQwenFolder.Write(Path.Combine(_root, "qwen3"), config, TinyQwenFolder.RandomWeights(config, seed: 2), ScalarType.Float32, shards: 1, ChatTemplates.Qwen3);
    }

    /// <summary>Every file under checkpoints/ and the summary, with its SHA-256.</summary>
    private static SortedDictionary<string, string> Written(string runDirectory)
    {
        var files = Directory.GetFiles(Path.Combine(runDirectory, LedgerPlan.CheckpointsFolder), "*", SearchOption.AllDirectories)
            .Append(Path.Combine(runDirectory, "summary.json"));
        return new SortedDictionary<string, string>(files.ToDictionary(f => Path.GetRelativePath(runDirectory, f),
            f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);
    }

    [Theory]
    [InlineData("warm-start-and-rl", 2)]
    [InlineData("rl-from-a-pretrained-model", 2)]
    [InlineData("warm-start-only", 0)]
    public async Task A_finished_run_trained_again_writes_no_weights_and_eval_reports_the_same_policy(string kind, int steps)
    {
        var extra = kind switch
        {
            "rl-from-a-pretrained-model" => $"pipeline.stages = [rl]\nmodel {{ architecture = qwen3, path = \"{PretrainedModel()}\", max-seq-len = 128 }}",
            "warm-start-only" => "pipeline.stages = [sft]",
            _ => "",
        };
        var pipeline = Pipeline(kind, extra);
        var runDirectory = Path.Combine(_root, kind);
        var train = await CliRunner.Run("train", pipeline);
        Assert.True(train.Code == 0, train.Err + train.Out);
        var written = Written(runDirectory);
        var policy = await RunPolicy.FindAsync(Engine.Configuration.ActorRLSettings.FromConfig(
            Core.Configuration.PipelineConfig.Load([pipeline], [])).Persistence, runDirectory);
        Assert.Equal((steps, (long)steps), (policy.Checkpoint.Step, policy.Checkpoint.Version));
        Assert.False(Directory.Exists(Path.Combine(runDirectory, LedgerPlan.CheckpointsFolder, "final")), "no second copy of the policy outside the ledger");
        var eval = await CliRunner.Run("eval", runDirectory, "-k", "1", "--prompts", "4");
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Contains($"policy version {steps} (step {steps})", eval.Out);

        var again = await CliRunner.Run("train", pipeline);

        Assert.True(again.Code == 0, again.Err + again.Out);
        Assert.Contains("already complete", again.Out);
        Assert.Equal(written, Written(runDirectory));
        var evalAgain = await CliRunner.Run("eval", runDirectory, "-k", "1", "--prompts", "4");
        Assert.Equal(eval.Out, evalAgain.Out);
    }

    [Fact]
    public async Task A_finished_run_whose_summary_was_never_written_gets_it_back_from_the_ledger()
    {
        // A kill -9 between the ledger's RunCompleted and summary.json leaves a finished run without its summary.
        var pipeline = Pipeline("summary-lost", "");
        var runDirectory = Path.Combine(_root, "summary-lost");
        Assert.Equal(0, (await CliRunner.Run("train", pipeline)).Code);
        var summaryFile = Path.Combine(runDirectory, "summary.json");
        var original = System.Text.Json.JsonDocument.Parse(File.ReadAllText(summaryFile)).RootElement;
        File.Delete(summaryFile);

        var again = await CliRunner.Run("train", pipeline);

        Assert.True(again.Code == 0, again.Err + again.Out);
        var rebuilt = System.Text.Json.JsonDocument.Parse(File.ReadAllText(summaryFile)).RootElement;
        Assert.True(rebuilt.GetProperty("rebuilt_from_ledger").GetBoolean());
        foreach (var key in new[] { "steps", "final_version", "groups_consumed", "accuracy_after" })
            Assert.Equal(original.GetProperty(key).ToString(), rebuilt.GetProperty(key).ToString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, rebuilt.GetProperty("groups_dropped_stale").ValueKind);
    }

    [Fact]
    public async Task Eval_and_ledger_of_a_run_whose_ledger_cannot_be_read_say_so_in_one_line()
    {
        // A PostgreSQL ledger on a port nothing listens on (taken free, then closed).
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var runDirectory = Path.Combine(_root, "postgres-down");
        Directory.CreateDirectory(runDirectory);
        File.WriteAllText(Path.Combine(runDirectory, "config.conf"), TinyJobConfig.Hocon(runDirectory, maxStaleness: 1, rlSteps: 2,
            $"persistence {{ provider = postgres, connection-string = \"Host=127.0.0.1;Port={port};Username=u;Password=p;Database=d\" }}"));

        // Every command that reads the ledger says so in one line: eval (which checkpoint is the policy) and ledger itself.
        foreach (var args in new[] { new[] { "eval", runDirectory, "-k", "1" }, new[] { "ledger", runDirectory } })
        {
            var (code, output, error) = await CliRunner.Run(args);

            Assert.True(code == 1, $"{args[0]}: exit {code}: {error}{output}");
            Assert.Single(error.TrimEnd().Split('\n'));
            Assert.Contains("cannot read the ledger", error);
            Assert.Contains("PostgreSQL server cannot be reached", error);
            Assert.DoesNotContain("Exception", error);
        }
    }
}

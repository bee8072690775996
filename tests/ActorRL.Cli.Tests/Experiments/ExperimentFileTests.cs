using ActorRL.Cli.Experiments;
using ActorRL.Tests.Shared;

namespace ActorRL.Cli.Tests.Experiments;

/// <summary>
/// Experiment files: the shipped ones are valid grids of at least 3 seeds, and a mistake in one is one line naming the
/// key, the file and the run, exit 2, before any run starts.
/// </summary>
public sealed class ExperimentFileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-experiment-file-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string File(string text)
    {
        var path = Path.Combine(_root, "grid.conf");
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private string Grid(string cells = "a { set = [\"actorrl.algorithm.loss=grpo\"] }\n    b { set = [\"actorrl.algorithm.loss=gspo\"] }",
        string extra = "", string seeds = "[1, 2]") => File($$"""
        experiment {
          pipeline = ["{{RepositoryFiles.Path("samples/arithmetic/pipeline.conf")}}"]
          set = ["actorrl.pipeline.max-staleness=0"]
          seeds = {{seeds}}
          shared-warm-start = true
          cells {
            {{cells}}
          }
          curves = ["eval.accuracy"]
          {{extra}}
        }
        """);

    [Theory]
    [InlineData("length", 3, 3)]
    [InlineData("clipping", 6, 3)]
    [InlineData("staleness", 8, 3)]
    public async Task Each_shipped_experiment_is_a_valid_grid_of_at_least_three_seeds(string name, int cells, int seeds)
    {
        var (code, output, error) = await CliRunner.Run("experiment", RepositoryFiles.Path($"samples/experiments/{name}.conf"), "--dry-run", "--dir", Path.Combine(_root, name));
        Assert.True(code == 0, error);
        Assert.Contains($"{cells} cells × {seeds} seeds = {cells * seeds} runs after {seeds} shared warm starts", output);
        var plan = ExperimentPlan.Load(RepositoryFiles.Path($"samples/experiments/{name}.conf"));
        Assert.Equal(Enumerable.Range(1, seeds).Select(s => (long)s), plan.Seeds);
        Assert.Equal(seeds + cells * seeds, ExperimentRunner.Configure(plan).Count);
    }

    [Fact]
    public void The_staleness_experiment_forces_each_cells_lag_and_runs_deterministically()
    {
        var runs = ExperimentRunner.Configure(ExperimentPlan.Load(RepositoryFiles.Path("samples/experiments/staleness.conf")));
        Assert.All(runs, r => Assert.True(r.Settings.Run.Deterministic));
        var cells = runs.Where(r => r.Cell is not null).ToList();
        Assert.All(cells, r => Assert.Equal(r.Settings.Pipeline.MaxStaleness, r.Settings.Pipeline.PolicyLag));
        Assert.Equal(new[] { 0, 2, 4, 8 }, cells.Select(r => r.Settings.Pipeline.PolicyLag).Distinct());
        Assert.Equal(2, cells.Select(r => r.Settings.Algorithm.OffPolicy.Mode).Distinct().Count());
    }

    [Fact]
    public async Task An_unknown_experiment_key_names_it_with_its_file_and_line()
    {
        var (code, _, error) = await CliRunner.Run("experiment", Grid(extra: "sedes = [1]"), "--dry-run");
        Assert.Equal(2, code);
        Assert.Contains("experiment.sedes", error);
        Assert.Contains("grid.conf:11", error);
        Assert.Contains("allowed: title, question", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task A_bad_value_in_one_cell_names_the_key_and_the_run_before_anything_runs()
    {
        var dir = Path.Combine(_root, "out");
        var (code, _, error) = await CliRunner.Run("experiment", Grid(cells: "a { set = [\"actorrl.algorithm.loss=grpo\"] }\n    b { set = [\"actorrl.algorithm.loss=ppo\"] }"), "--dir", dir);
        Assert.Equal(2, code);
        Assert.Contains("actorrl.algorithm.loss", error);
        Assert.Contains("cells/b/seed-1", error);
        Assert.False(Directory.Exists(dir), "nothing may run when one run's configuration is bad");
    }

    [Fact]
    public async Task A_cell_may_not_set_what_the_experiment_sets_itself()
    {
        var (code, _, error) = await CliRunner.Run("experiment", Grid(cells: "a { set = [\"actorrl.run.seed=7\"] }"), "--dry-run");
        Assert.Equal(2, code);
        Assert.Contains("actorrl.run.seed", error);
        Assert.Contains("set by the experiment itself", error);
    }

    [Fact]
    public async Task A_shared_warm_start_refuses_cells_that_change_the_task()
    {
        var (code, _, error) = await CliRunner.Run("experiment", Grid(cells: "a { set = [\"actorrl.task.arithmetic.digits-max=3\"] }"), "--dry-run");
        Assert.Equal(2, code);
        Assert.Contains("actorrl.task", error);
        Assert.Contains("cells may not change the task, model or warm-start keys", error);
    }

    [Theory]
    [InlineData("[1, 1]", "lists a seed twice")]
    [InlineData("[]", "is empty")]
    public async Task Seeds_must_be_distinct_and_given(string seeds, string problem)
    {
        var (code, _, error) = await CliRunner.Run("experiment", Grid(seeds: seeds), "--dry-run");
        Assert.Equal(2, code);
        Assert.Contains("experiment.seeds", error);
        Assert.Contains(problem, error);
    }

    [Fact]
    public async Task A_cell_name_must_be_usable_as_a_directory()
    {
        var (code, _, error) = await CliRunner.Run("experiment", Grid(cells: "\"a/b\" { set = [] }"), "--dry-run");
        Assert.Equal(2, code);
        Assert.Contains("not a usable cell name", error);
    }
}

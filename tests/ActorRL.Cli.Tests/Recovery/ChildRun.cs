using System.Diagnostics;
using ActorRL.Core.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Tests.Shared;

namespace ActorRL.Cli.Tests.Recovery;

/// <summary>
/// <c>actorrl train</c> in a child process (the built actorrl.dll beside the tests), so it can be killed with
/// SIGKILL like a crashed node: no finalizers, no flush, nothing but what was already on disk survives.
/// </summary>
internal sealed class ChildRun
{
    private readonly string _pipelineFile;

    /// <param name="extra">More of <c>actorrl { … }</c>, e.g. a shared journal's connection string.</param>
    public ChildRun(string root, string name, int maxStaleness, int rlSteps, int checkpointEvery, string extra = "")
        : this(root, name, runDirectory => TinyJobConfig.Hocon(runDirectory, maxStaleness, rlSteps,
            $"logging.level = information\npersistence {{ checkpoint-every = {checkpointEvery}, keep-last = 3 }}\n{extra}"))
    {
    }

    private ChildRun(string root, string name, Func<string, string> pipelineText)
    {
        RunDirectory = Path.Combine(root, name);
        _pipelineFile = Path.Combine(root, name + ".conf");
        File.WriteAllText(_pipelineFile, pipelineText(RunDirectory));
        Settings = ActorRLSettings.FromConfig(PipelineConfig.Load(new[] { _pipelineFile }, Array.Empty<string>()));
    }

    /// <summary>A shipped pipeline file (included by absolute path) with <paramref name="overrides"/> (more of <c>actorrl { … }</c>).</summary>
    public static ChildRun Of(string root, string name, string shippedPipeline, string overrides) =>
        new(root, name, runDirectory =>
            $"include \"{RepositoryFiles.Path(shippedPipeline)}\"\nactorrl {{\n  run.dir = \"{runDirectory}\"\n  logging.level = information\n{overrides}\n}}\n");

    public string RunDirectory { get; }

    public string PipelineFile => _pipelineFile;

    public ActorRLSettings Settings { get; }

    public string Metrics => Path.Combine(RunDirectory, "metrics.jsonl");

    /// <summary>Starts <c>actorrl train</c>; <paramref name="crashAt"/> sets ACTORRL_CRASH_AT (e.g. "step:3").</summary>
    public Process Start(string? crashAt = null) => StartCli(crashAt, "train", _pipelineFile);

    /// <summary>Starts <c>actorrl ARGS…</c> as a user would run it; <paramref name="crashAt"/> sets ACTORRL_CRASH_AT.</summary>
    public static Process StartCli(string? crashAt, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "actorrl.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args.Prepend(dll)) info.ArgumentList.Add(arg);
        info.Environment["ACTORRL_CRASH_AT"] = crashAt ?? "";
        info.Environment.Remove("CI"); // the child is a user's run, not a test run
        return Process.Start(info)!;
    }

    /// <summary>
    /// Starts <c>actorrl train</c>, its output read as it comes (a long run never blocks on a full pipe), and waits
    /// until <paramref name="reached"/> holds while it still runs. Killed when disposed, or at once if it is not reached.
    /// </summary>
    public async Task<Cluster.NodeProcess> LaunchUntilAsync(Func<Cluster.NodeProcess, bool> reached, string what, TimeSpan timeout)
    {
        var learner = new Cluster.NodeProcess("train", "train", _pipelineFile);
        try
        {
            await Poll.Until(() => learner.HasExited || reached(learner), timeout, () => $"{what}; its output:\n{learner.Tail()}");
            Assert.False(learner.HasExited, $"the run ended before {what}; its output:\n{learner.Tail()}");
            return learner;
        }
        catch
        {
            learner.Dispose();
            throw;
        }
    }

    /// <summary>Runs to the end (or to the crash point) and returns the exit code and everything printed.</summary>
    public Task<(int Code, string Output)> RunAsync(string? crashAt = null, TimeSpan? timeout = null) =>
        RunCliAsync(crashAt, timeout, "train", _pipelineFile);

    /// <summary><c>actorrl ARGS…</c> to the end (or to the crash point): the exit code and everything printed.</summary>
    public static async Task<(int Code, string Output)> RunCliAsync(string? crashAt, TimeSpan? timeout, params string[] args)
    {
        using var process = StartCli(crashAt, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Exit code of a process killed by SIGKILL, as .NET reports it on Linux.</summary>
    public const int Killed = 137;
}

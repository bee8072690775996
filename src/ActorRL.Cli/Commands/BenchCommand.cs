using System.CommandLine;
using ActorRL.Engine.Benchmarks;

namespace ActorRL.Cli.Commands;

/// <summary><c>actorrl bench pipeline|real</c>: benchmarks that print side-by-side ratios in one run.</summary>
public static class BenchCommand
{
    public static Command Build(TextWriter output)
    {
        var bench = new Command("bench", "Benchmarks that print side-by-side ratios (results recorded in docs/benchmarks.md)");

        var steps = new Option<int>("--steps") { Description = "Learner steps per case", DefaultValueFactory = _ => 30 };
        var pipeline = new Command("pipeline", "Orchestration efficiency on a synthetic workload: throughput vs the exact ideal for η = 0, 1, 2, 4 and 1, 2, 8 generators");
        pipeline.Add(steps);
        pipeline.SetAction(async (parse, _) =>
        {
            await OrchestrationBenchmark.RunAsync(output, parse.GetValue(steps));
            return ExitCodes.Ok;
        });
        bench.Add(pipeline);
        bench.Add(BenchRealCommand.Build(output));
        return bench;
    }
}

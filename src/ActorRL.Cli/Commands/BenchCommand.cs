using System.CommandLine;
using ActorRL.Benchmarks.Pipeline;

namespace ActorRL.Cli.Commands;

/// <summary><c>actorrl bench pipeline|real|cluster|learner|generation</c>: benchmarks that print side-by-side ratios in one run.</summary>
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

        var groups = new Option<int>("--groups") { Description = "Rollout groups per throughput case", DefaultValueFactory = _ => 20_000 };
        var megabytes = new Option<int>("--weights-mb") { Description = "Size of the broadcast snapshot in MiB", DefaultValueFactory = _ => 32 };
        var cluster = new Command("cluster", "Remoting costs: rollout groups/s in-process vs between two actor systems; weight broadcast MB/s to 1, 2, 4 nodes vs raw loopback TCP");
        var repeats = new Option<int>("--repeats") { Description = "Weight transfers timed per case (the median is reported)", DefaultValueFactory = _ => 9 };
        var set = new Option<string[]>("--set", "-s") { Description = "Override a key of hocon/cluster.conf, e.g. --set actorrl.cluster.weight-chunk-bytes=1000000 --set akka.remote.dot-netty.tcp.maximum-frame-size=1100000b", Arity = ArgumentArity.ZeroOrMore };
        cluster.Add(groups);
        cluster.Add(megabytes);
        cluster.Add(repeats);
        cluster.Add(set);
        cluster.SetAction(async (parse, _) =>
        {
            var hocon = Path.GetDirectoryName(DistributionPaths.Resolve("hocon/cluster.conf"))!;
            await ClusterBenchmark.RunAsync(output, hocon, parse.GetValue(set) ?? Array.Empty<string>(), parse.GetValue(groups), parse.GetValue(megabytes), Math.Max(1, parse.GetValue(repeats)));
            return ExitCodes.Ok;
        });
        bench.Add(cluster);
        bench.Add(BenchRealCommand.Build(output));
        bench.Add(BenchLearnerCommand.Build(output));
        bench.Add(BenchGenerationCommand.Build(output));
        return bench;
    }
}

using System.CommandLine;

namespace ActorRL.Cli.Commands;

public static class BenchCommand
{
    public static Command Build(TextWriter output) => PlannedCommand.Build("bench",
        "Benchmarks that print side-by-side ratios (model, pipeline)", "see docs/benchmarks.md");
}

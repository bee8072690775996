using System.CommandLine;
using ActorRL.Core.Configuration;

namespace ActorRL.Cli.Commands;

/// <summary>The options shared by every command that reads a pipeline: the file(s), <c>--set</c>, <c>--verbose</c>.</summary>
public sealed class PipelineOptions
{
    public Argument<string[]> Files { get; } = new("PIPELINE")
    {
        Description = "Pipeline file(s) in HOCON, applied in order over hocon/reference.conf",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string[]> Set { get; } = new("--set", "-s")
    {
        Description = "Override one key, e.g. --set actorrl.algorithm.loss=dapo (repeatable; wins over files)",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Debug-level logging",
    };

    public void AddTo(Command command)
    {
        command.Add(Files);
        command.Add(Set);
        command.Add(Verbose);
    }

    /// <summary>Loads the effective configuration; <paramref name="defaultFile"/> is used when no file is given.</summary>
    public PipelineConfig Load(ParseResult parse, string? defaultFile = null)
    {
        var files = parse.GetValue(Files) ?? Array.Empty<string>();
        if (files.Length == 0 && defaultFile is not null) files = new[] { DistributionPaths.Resolve(defaultFile) };
        return PipelineConfig.Load(files, parse.GetValue(Set) ?? Array.Empty<string>());
    }
}

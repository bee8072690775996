using System.CommandLine;
using ActorRL.Engine.Configuration;

namespace ActorRL.Cli.Commands;

/// <summary><c>actorrl config show|check</c>: print or validate the effective configuration of a pipeline.</summary>
public static class ConfigCommand
{
    public static Command Build(TextWriter output)
    {
        var config = new Command("config", "Inspect a pipeline's configuration");

        var showOptions = new PipelineOptions();
        var section = new Option<string?>("--section") { Description = "Show only this section, e.g. actorrl.algorithm" };
        var show = new Command("show", "Print the effective configuration (reference.conf ← files ← --set) as HOCON");
        showOptions.AddTo(show);
        show.Add(section);
        show.SetAction(parse =>
        {
            var loaded = showOptions.Load(parse);
            ActorRLSettings.FromConfig(loaded);
            output.Write(loaded.Render(parse.GetValue(section)));
            return ExitCodes.Ok;
        });

        var checkOptions = new PipelineOptions();
        var check = new Command("check", "Validate a pipeline: every key known, every value of the right type and range (exit 0 or 2)");
        checkOptions.AddTo(check);
        check.SetAction(parse =>
        {
            var loaded = checkOptions.Load(parse);
            ActorRLSettings.FromConfig(loaded);
            output.WriteLine($"OK: {string.Join(" ← ", loaded.Sources)}");
            return ExitCodes.Ok;
        });

        config.Add(show);
        config.Add(check);
        return config;
    }
}

using System.CommandLine;
using ActorRL.Engine.Jobs;

namespace ActorRL.Cli.Commands;

/// <summary><c>actorrl export RUN_DIR [--step N] --out DIR</c>: the run's trained policy as a Hugging Face folder.</summary>
public static class ExportCommand
{
    public static Command Build(TextWriter output)
    {
        var runDir = new Argument<string>("RUN_DIR") { Description = "A run directory (its config.conf and ledger say which checkpoint is the policy)" };
        var step = new Option<int?>("--step") { Description = "Export the checkpoint committed at this learner step (default: the ledger's newest)" };
        var dtype = new Option<string?>("--dtype") { Description = "Storage dtype: float32 | bfloat16 | float16 | float64 (default: the run's model.dtype, bit-exact)" };
        var outDir = new Option<string>("--out") { Description = "Folder to write (must not exist or be empty)", Required = true };
        var merge = new Option<bool>("--merge") { Description = "A LoRA run: merge the adapters into the base weights (W + alpha/rank · B A) and write one Hugging Face folder" };
        var adapters = new Option<bool>("--adapters") { Description = "A LoRA run: write the adapters alone as a PEFT folder (adapter_config.json, adapter_model.safetensors)" };
        var command = new Command("export",
            "Write a run's policy as a Hugging Face folder (config.json, safetensors under Hugging Face names, tokenizer files) " +
            "that transformers, vLLM and `actorrl model` open: the ledger's newest committed checkpoint, verified before it is read");
        command.Add(runDir);
        command.Add(step);
        command.Add(dtype);
        command.Add(outDir);
        command.Add(merge);
        command.Add(adapters);
        command.SetAction(async (parse, cancellation) =>
        {
            var directory = parse.GetValue(runDir)!;
            var settings = RunDirectory.LoadSettings(directory);
            var storage = parse.GetValue(dtype) is { } text ? ModelCommand.ParseDType(text, "--dtype") : (TorchSharp.torch.ScalarType?)null;
            try
            {
                if (parse.GetValue(merge) && parse.GetValue(adapters)) throw new UsageException("--merge and --adapters exclude each other: choose one");
                var kind = parse.GetValue(merge) ? AdapterExport.Merge : parse.GetValue(adapters) ? AdapterExport.Adapters : (AdapterExport?)null;
                var report = await ExportJob.RunAsync(settings, parse.GetValue(step), parse.GetValue(outDir)!, storage, kind);
                output.WriteLine($"Exported step {report.Step} (policy version {report.Version}) of {directory} as {report.Config.ArchitectureName} to {report.Directory}");
            }
            catch (ExportRefusedException e)
            {
                throw new UsageException(e.Message);
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}

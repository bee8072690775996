using System.CommandLine;
using ActorRL.Cli.Commands;
using ActorRL.Core.Configuration;

namespace ActorRL.Cli;

/// <summary>
/// The <c>actorrl</c> command tree. Errors are one line on stderr: configuration and usage errors exit 2,
/// runtime failures exit 1; stack traces only go to the log file.
/// </summary>
public static class CliApp
{
    public static RootCommand BuildRoot(TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "ActorRL — asynchronous RL post-training for language models with verifiable rewards, on Akka.NET actors.\n" +
            "Run `actorrl train` for the built-in job (warm start + RL on arithmetic), `actorrl COMMAND --help` for details.");
        foreach (var command in new[]
                 {
                     TrainCommand.Build(output, error),
                     NodeCommand.Build(output),
                     EvalCommand.Build(output),
                     LedgerCommand.Build(output),
                     PlotCommand.Build(output),
                     ExperimentCommand.Build(output, error),
                     BenchCommand.Build(output),
                     LossCheckCommand.Build(output, error),
                     VerifyCommand.Build(output),
                     VerifyCheckCommand.Build(output),
                     ConfigCommand.Build(output),
                     ModelCommand.Build(output),
                     ExportCommand.Build(output),
                 })
        {
            root.Add(command);
        }
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = BuildRoot(output, error);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) await error.WriteLineAsync($"actorrl: {e.Message}");
            await error.WriteLineAsync("Run 'actorrl --help' for usage.");
            return ExitCodes.BadUsage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (SettingsException e)
        {
            await error.WriteLineAsync($"actorrl: configuration error: {e.Message}");
            return ExitCodes.BadUsage;
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync($"actorrl: {e.Message}");
            return ExitCodes.BadUsage;
        }
        catch (Engine.Persistence.RunInUseException e)
        {
            // Another learner holds the run: nothing was changed, and running again later is the fix.
            await error.WriteLineAsync($"actorrl: {e.Message}");
            return ExitCodes.BadUsage;
        }
        catch (Engine.Persistence.PolicyUnavailableException e)
        {
            // The ledger names no usable checkpoint for what was asked (none yet, no such step, corrupt files).
            await error.WriteLineAsync($"actorrl: {e.Message}");
            return ExitCodes.BadUsage;
        }
        catch (Exception e) when (Cause<Model.HuggingFace.HuggingFaceFolderException>(e) is { } folder)
        {
            // A model folder that cannot be used as asked is bad input, like a bad configuration value.
            await error.WriteLineAsync($"actorrl: {folder.Message}");
            return ExitCodes.BadUsage;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("actorrl: cancelled");
            return ExitCodes.RuntimeFailure;
        }
        catch (Exception e) when (Cause<Engine.Pipeline.ExplainedRunFailure>(e) is { } explained)
        {
            Serilog.Log.Error("{Reason}", explained.Message);
            await error.WriteLineAsync($"actorrl: {explained.Message}");
            return ExitCodes.RuntimeFailure;
        }
        catch (Exception e)
        {
            Serilog.Log.Error(e, "Command failed");
            await error.WriteLineAsync($"actorrl: {e.GetType().Name}: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
        finally
        {
            await Serilog.Log.CloseAndFlushAsync();
        }
    }

    private static T? Cause<T>(Exception e) where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is T match) return match;
        return null;
    }
}

/// <summary>A command-line mistake the parser cannot see (a missing file, conflicting flags): exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

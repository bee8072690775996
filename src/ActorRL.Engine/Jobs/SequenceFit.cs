using ActorRL.Core.Configuration;
using ActorRL.Tasks;

namespace ActorRL.Engine.Jobs;

/// <summary>
/// Whether the task's sequences fit the model before a run starts: each prompt with generation.max-new-tokens, and,
/// when the warm start runs, each prompt with its demonstration. Checked on the evaluation prompts and the first
/// <see cref="PromptsChecked"/> training prompts (every record of a GSM8K- or MATH-sized JSONL file), so a dataset
/// too long for max-seq-len is refused by --dry-run with exit 2 instead of failing the learner minutes in.
/// </summary>
public static class SequenceFit
{
    public const int PromptsChecked = 10_000;

    public static void Require(PreparedTraining job, PipelineConfig config)
    {
        var settings = job.Settings;
        var limit = settings.Model.MaxSequenceLength;
        var maxNew = settings.Generation.MaxNewTokens;
        var task = job.Task;
        var training = new PromptStream(task, PromptCursor.Start).Take(PromptsChecked);
        var longest = task.EvalPrompts.Concat(training)
            .Select(p => (p.Id, Tokens: job.Encoding.Prompt(p.Text).Count)).MaxBy(p => p.Tokens);
        var model = config.Reader("actorrl").Section("model");
        if (longest.Tokens + maxNew > limit)
            throw model.Fail("max-seq-len",
                $"{limit} tokens cannot hold prompt {longest.Id} ({longest.Tokens} tokens) and generation.max-new-tokens ({maxNew}): " +
                $"raise max-seq-len to at least {longest.Tokens + maxNew}, or lower max-new-tokens");
        if (job.WarmStartSteps == 0) return;
        var pairs = Enumerable.Range(0, training.Count).Select(i => task.DemonstrationAt(i))
            .Select((d, i) => (Index: i, Prompt: job.Encoding.Prompt(d.Prompt).Count, Target: job.Encoding.Target(d.Target).Count))
            .MaxBy(d => d.Prompt + d.Target);
        if (pairs.Prompt + pairs.Target > limit)
            throw model.Fail("max-seq-len",
                $"{limit} tokens cannot hold warm-start demonstration {pairs.Index} ({pairs.Prompt} prompt + {pairs.Target} target tokens): " +
                $"raise max-seq-len to at least {pairs.Prompt + pairs.Target}, or skip the warm start (pipeline.stages = [rl])");
    }
}

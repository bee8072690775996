namespace ActorRL.Tasks;

/// <summary>
/// One prompt handed to a generator. <see cref="Id"/> is stable and unique per draw (task, split, position), so
/// the learner's ledger can record which prompts were consumed; <see cref="Position"/> is where a training prompt
/// was drawn from (eval prompts use epoch -1). <see cref="Gold"/> is what the task's verifier checks a response
/// against — a plain string so a prompt serializes trivially.
/// </summary>
public sealed record TaskPrompt(string Id, string Text, string Gold, PromptCursor Position);

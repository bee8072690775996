namespace ActorRL.Engine.Pipeline.Lifecycle;

/// <summary>
/// How long each stage may hold a prompt. A message that can be lost (a WorkAssigned or GroupGenerated over the
/// frame size, a verifier restarted mid-group) leaves its prompt in a stage nobody will move it out of; the lease
/// is what moves it.
/// </summary>
/// <param name="Generation">A generator owes the group within this; past it the attempt failed and the prompt is
/// queued again (a late group from the old attempt is ignored).</param>
/// <param name="Verification">The verifier pool owes the scores within this; past it the attempt failed too.</param>
/// <param name="Stall">A prompt queued, buffered or in training for longer than this means the learner or every
/// generator stopped: the run ends naming the stage (<c>pipeline.stall-after</c>).</param>
/// <param name="MaxGenerationFailures">Failed attempts after which a prompt is quarantined, ≥ 1.</param>
public sealed record PromptLeases(TimeSpan Generation, TimeSpan Verification, TimeSpan Stall, int MaxGenerationFailures)
{
    public TimeSpan For(PromptStage stage) => stage switch
    {
        PromptStage.Generating => Generation,
        PromptStage.Verifying => Verification,
        PromptStage.Queued or PromptStage.Buffered or PromptStage.InTraining => Stall,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "a terminal stage holds no lease"),
    };
}

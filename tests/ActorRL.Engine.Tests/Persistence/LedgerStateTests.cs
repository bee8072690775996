using ActorRL.Engine.Persistence;

namespace ActorRL.Engine.Tests.Persistence;

public sealed class LedgerStateTests
{
    private static CheckpointCommitted Commit(long seq, int step) =>
        new(seq, step, step, LedgerPlan.CheckpointDirectory(step), new[] { new CommittedFile("w", 1, "00") }, $"e0:i{step * 4}", Array.Empty<string>(), step * 4, 10, 0.5);

    [Fact]
    public void Keeps_the_last_K_checkpoints_and_names_the_ones_it_drops()
    {
        var state = LedgerState.Empty;
        for (var i = 0; i < 4; i++) state = state.Apply(Commit(i + 1, i * 2), keepLast: 2);

        Assert.Equal(new[] { 4, 6 }, state.Checkpoints.Select(c => c.Step));
        var next = state.Apply(Commit(5, 8), keepLast: 2);
        Assert.Equal(new[] { LedgerPlan.CheckpointDirectory(4) }, state.DroppedBy(next).Select(c => c.Directory));
        Assert.Equal(5, next.LastSeq);
    }

    [Fact]
    public void Steps_trained_do_not_drop_checkpoints_only_a_newer_commit_does()
    {
        var state = LedgerState.Empty.Apply(Commit(1, 0), 1).Apply(new StepTrained(2, 1, 1, new[] { "g#1" }, new[] { "p1" }), 1);

        Assert.Empty(LedgerState.Empty.Apply(Commit(1, 0), 1).DroppedBy(state));
        Assert.Equal(1, state.LastStep);
        Assert.Single(state.Checkpoints);
    }

    [Fact]
    public void A_resume_voids_checkpoints_after_its_step_and_a_recommit_replaces_the_void_one()
    {
        var state = LedgerState.Empty.Apply(Commit(1, 0), 3).Apply(Commit(2, 2), 3).Apply(Commit(3, 4), 3);
        state = state.Apply(new RunResumed(4, 2, LedgerPlan.CheckpointDirectory(2)), 3);
        Assert.Equal(new[] { 0, 2 }, state.Checkpoints.Select(c => c.Step));

        state = state.Apply(Commit(5, 4), 3);
        Assert.Equal(new[] { 0, 2, 4 }, state.Checkpoints.Select(c => c.Step));
        Assert.Equal(5, state.Checkpoints[^1].Seq);
    }

    [Fact]
    public void The_effective_history_leaves_out_steps_voided_by_a_resume()
    {
        var history = new ILedgerEvent[]
        {
            new StepTrained(1, 1, 1, new[] { "a#1" }, new[] { "a" }),
            new StepTrained(2, 2, 2, new[] { "b#2" }, new[] { "b" }),
            new RunResumed(3, 1, "checkpoints/step-000001"),
            new StepTrained(4, 2, 2, new[] { "b#3" }, new[] { "b" }),
            new StepTrained(5, 3, 3, new[] { "c#4" }, new[] { "c" }),
        };

        var steps = LedgerHistory.EffectiveSteps(history);

        Assert.Equal(new[] { 1, 2, 3 }, steps.Select(s => s.Step));
        Assert.Equal(new[] { "a#1", "b#3", "c#4" }, steps.SelectMany(s => s.GroupIds));
    }
}

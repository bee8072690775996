using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Pipeline.Lifecycle;
using ActorRL.Engine.Synthetic;
using ActorRL.Tasks;

namespace ActorRL.Engine.Tests.Pipeline.Lifecycle;

/// <summary>The prompt book's single behaviours, one scenario each (the property tests cover their combinations).</summary>
public class PromptBookTests
{
    internal static readonly PromptLeases Leases = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), 3);
    private static readonly TimeSpan T0 = TimeSpan.Zero;

    private static PromptBook Book(int maxStaleness = 1, int groupsPerStep = 4, long wanted = 100, PromptPosition? start = null, PromptLeases? leases = null) =>
        new(new SyntheticTask(), start ?? new PromptPosition("e0:i0", [], 0),
            new PromptBookShape(maxStaleness, (maxStaleness + 1) * groupsPerStep, wanted, DynamicSampling: false), leases ?? Leases, T0);

    /// <summary>A scored group of two responses; <paramref name="secondReward"/> = 0 makes its rewards all equal.</summary>
    internal static RolloutGroup Group(WorkItem item, long version, double secondReward = 1) => new(item.GroupId, item.Prompt.Id, item.Prompt.Text, [1],
        item.Prompt.Gold, version, "g", [new Rollout([1], ["a"], [-0.1f], [version], "a", false, 0), new Rollout([1], ["a"], [-0.1f], [version], "a", false, secondReward)]);

    [Fact]
    public void APromptThatKeepsCrashingItsGeneratorIsQuarantinedAloneAndTheOthersGoOn()
    {
        var book = Book();
        var first = book.Draw("g1", "local", 4, 0, T0);
        Assert.Equal(4, first.Count);
        // The generator crashes with all four: each failed once, and each now goes out alone.
        Assert.Empty(book.GeneratorLost("g1", "failed: boom", T0));
        var poison = first[0].Prompt.Position.ToString();
        // From now on the generator crashes whenever it holds the poison prompt, and only then.
        var generated = new List<string>();
        for (var round = 0; round < 20 && book.Count(PromptStage.Queued) > 0; round++)
        {
            var alone = book.Draw("g1", "local", 4, 0, T0);
            Assert.Single(alone);
            var position = alone[0].Prompt.Position.ToString();
            if (position == poison) book.GeneratorLost("g1", "failed: boom", T0);
            else
            {
                Assert.Equal(GroupArrival.Accepted, book.Generated(alone[0].GroupId, T0));
                generated.Add(position);
            }
        }
        var q = Assert.Single(book.Quarantined);
        Assert.Equal((poison, 3, "generator failed: boom"), (q.Position, q.Failures, q.LastFailure));
        // Its batch-mates were each generated once, and are not quarantined; the poison prompt never comes back.
        Assert.Equal(first.Skip(1).Select(i => i.Prompt.Position.ToString()).Order(), generated.Order());
        Assert.Equal(4, book.Draw("g2", "local", 4, 0, T0).Count(i => i.Prompt.Position.ToString() != poison));
        Assert.Contains(poison, book.Position().Quarantined!.Select(p => p.Position));
        Assert.DoesNotContain(poison, book.Position().Outstanding);
    }

    [Fact]
    public void AGroupHandedInByAnotherGeneratorThanItsAttemptsIsRefusedAndItsOwnStillCounts()
    {
        var book = Book();
        var item = Assert.Single(book.Draw("g1", "local", 1, 0, T0));
        Assert.Equal(GroupArrival.FromAnotherHolder, book.Generated(item.GroupId, T0, from: "g2"));
        Assert.Equal((1L, 1), (book.RefusedFromOtherHolder, book.Count(PromptStage.Generating)));
        Assert.Equal(item.Prompt.Id, book.PromptOf(item.GroupId)!.Id);
        Assert.Equal(GroupArrival.Accepted, book.Generated(item.GroupId, T0, from: "g1"));
        // Only once: the same group again is not a current attempt.
        Assert.Equal(GroupArrival.NotCurrent, book.Generated(item.GroupId, T0, from: "g1"));
        Assert.Equal(1L, book.RefusedFromOtherHolder);
    }

    [Fact]
    public void AMalformedGroupFailsItsAttemptAtOnceAndThePromptIsGeneratedAgain()
    {
        var book = Book();
        var item = Assert.Single(book.Draw("g1", "local", 1, 0, T0));
        Assert.Equal(GroupArrival.Malformed, book.Generated(item.GroupId, T0, from: "g1", malformed: "token id 99 outside the vocabulary"));
        Assert.Equal((1L, 1), (book.FailedAttempts, book.Count(PromptStage.Queued)));
        var again = Assert.Single(book.Draw("g1", "local", 1, 0, T0));
        Assert.Equal(item.Prompt.Position, again.Prompt.Position);
        Assert.NotEqual(item.GroupId, again.GroupId);
    }

    [Fact]
    public void AnExpiredGenerationLeaseRequeuesThePromptAndIgnoresTheLateGroup()
    {
        var book = Book();
        var item = Assert.Single(book.Draw("g1", "local", 1, 0, T0));
        Assert.Empty(book.Expire(TimeSpan.FromSeconds(9)));
        var expired = Assert.Single(book.Expire(TimeSpan.FromSeconds(10)));
        Assert.Equal((PromptStage.Generating, "g1", false, false), (expired.Stage, expired.Holder, expired.Stalled, expired.Quarantined));
        Assert.Equal(1, book.Count(PromptStage.Queued));
        // The old attempt finishes after all: not a current attempt.
        Assert.Equal(GroupArrival.NotCurrent, book.Generated(item.GroupId, TimeSpan.FromSeconds(11)));
        var again = Assert.Single(book.Draw("g2", "local", 4, 0, TimeSpan.FromSeconds(11)));
        Assert.Equal(item.Prompt.Position, again.Prompt.Position);
        Assert.NotEqual(item.GroupId, again.GroupId);
    }

    [Fact]
    public void AnExpiredVerificationLeaseCountsAsAFailedAttempt()
    {
        var book = Book();
        var item = Assert.Single(book.Draw("g1", "local", 1, 0, T0));
        Assert.Equal(GroupArrival.Accepted, book.Generated(item.GroupId, T0));
        var expired = Assert.Single(book.Expire(TimeSpan.FromSeconds(5)));
        Assert.Equal(PromptStage.Verifying, expired.Stage);
        Assert.Equal(1, book.FailedAttempts);
        Assert.Equal(ScoredOutcome.Ignored, book.Scored(Group(item, 0), 0, TimeSpan.FromSeconds(6)));
    }

    [Fact]
    public void ABufferedGroupTheLearnerNeverTakesIsReportedAsAStallOnce()
    {
        var book = Book();
        var item = Assert.Single(book.Draw("g1", "local", 1, 0, T0));
        book.Generated(item.GroupId, T0);
        Assert.Equal(ScoredOutcome.Buffered, book.Scored(Group(item, 0), 0, T0));
        var stall = Assert.Single(book.Expire(TimeSpan.FromSeconds(60)));
        Assert.Equal((PromptStage.Buffered, true), (stall.Stage, stall.Stalled));
        Assert.Equal(1, book.Count(PromptStage.Buffered));
        Assert.Empty(book.Expire(TimeSpan.FromSeconds(61)));
        Assert.Contains("1 buffered (oldest 61 s)", StallExplanation.Census(book.Census(TimeSpan.FromSeconds(61))));
    }

    [Fact]
    public void AQueuedPromptWaitingForRoomIsNotAStall()
    {
        // η = 0, B = 1: one prompt admitted; the second, given back, waits for the learner.
        var book = Book(maxStaleness: 0, groupsPerStep: 1);
        var first = Assert.Single(book.Draw("g1", "local", 1, 0, T0));
        book.GeneratorLost("g1", "stopped", T0);
        var second = Assert.Single(book.Draw("g2", "local", 1, 0, T0));
        Assert.Equal(first.Prompt.Position, second.Prompt.Position);
        book.Generated(second.GroupId, T0);
        book.Scored(Group(second, 0), 0, T0);
        Assert.Empty(book.Draw("g2", "local", 1, 0, T0));
        Assert.NotNull(book.TakeBatch(1, 0, T0, out _));
        // Training takes 59 s: nothing is stuck (the in-training lease is 60 s), and no room opened.
        Assert.Empty(book.Expire(TimeSpan.FromSeconds(59)));
        Assert.Equal(PromptStage.InTraining, Assert.Single(book.Expire(TimeSpan.FromSeconds(60))).Stage);
    }

    [Fact]
    public void AResumedBookRegeneratesTheOutstandingPromptsFirstAndKeepsTheQuarantine()
    {
        var quarantined = new QuarantinedPrompt("synthetic:1", "e0:i1", 3, "generator failed: boom");
        var book = Book(start: new PromptPosition("e0:i5", ["e0:i3", "e0:i0"], 7, [quarantined]));
        Assert.Equal(7, book.GroupsTaken);
        var items = book.Draw("g1", "local", 4, 0, T0).Select(i => i.Prompt.Position.ToString());
        Assert.Equal(["e0:i3", "e0:i0", "e0:i5", "e0:i6"], items);
        Assert.Equal(quarantined, Assert.Single(book.Quarantined));
        Assert.Equal([quarantined], book.Position().Quarantined!);
    }

    [Fact]
    public void StaleGroupsAreDroppedAndTheirPromptsQueuedAgainNotCountedAsFailures()
    {
        var book = Book(maxStaleness: 0, groupsPerStep: 1);
        var item = Assert.Single(book.Draw("g1", "local", 1, 0, T0));
        book.Generated(item.GroupId, T0);
        Assert.Equal(ScoredOutcome.DroppedStale, book.Scored(Group(item, 0), learnerVersion: 1, T0));
        Assert.Equal((1L, 0L, 1L), (book.DroppedStale, book.FailedAttempts, book.Requeued));
        Assert.Equal(item.Prompt.Position, Assert.Single(book.Draw("g1", "local", 1, 0, T0)).Prompt.Position);
    }
    /// <summary>Generates <paramref name="item"/> with weights <paramref name="sampledAt"/> and scores it for a learner at
    /// <paramref name="learnerVersion"/> (by default the same).</summary>
    private static ScoredOutcome Finish(PromptBook book, WorkItem item, long sampledAt, long? learnerVersion = null)
    {
        Assert.Equal(GroupArrival.Accepted, book.Generated(item.GroupId, T0));
        return book.Scored(Group(item, sampledAt), learnerVersion ?? sampledAt, T0);
    }

    /// <summary>
    /// η = 1, B = 2: A, B, C, D drawn at version 0, D slow. A and B are trained at 0, then E and F (drawn at 1) are
    /// scored before D. Taking the two oldest, C and E, would leave D two versions stale when it arrives; version 1 is
    /// its last chance, so the learner waits for it.
    /// </summary>
    private static (PromptBook Book, IReadOnlyList<WorkItem> First, IReadOnlyList<WorkItem> Second) OvertakenSlowGroup(PromptLeases? leases = null)
    {
        var book = Book(maxStaleness: 1, groupsPerStep: 2, leases: leases);
        var first = book.Draw("g1", "local", 4, 0, T0);
        Assert.Equal(4, first.Count);
        foreach (var item in first.Take(3)) Assert.Equal(ScoredOutcome.Buffered, Finish(book, item, 0));
        Assert.Equal([first[0].GroupId, first[1].GroupId], book.TakeBatch(2, 0, T0, out _)!.Select(g => g.GroupId));
        book.Trained();
        var second = book.Draw("g2", "local", 4, 1, T0);
        Assert.Equal(2, second.Count);
        foreach (var item in second) Assert.Equal(ScoredOutcome.Buffered, Finish(book, item, 1));
        return (book, first, second);
    }

    [Fact]
    public void TheLearnerWaitsForAGroupItIsTheLastToBeAbleToTrain()
    {
        var (book, first, second) = OvertakenSlowGroup();
        var (c, d) = (first[2], first[3]);
        Assert.Null(book.TakeBatch(2, 1, T0, out _));
        Assert.Equal(GroupArrival.Accepted, book.Generated(d.GroupId, T0));
        Assert.Null(book.TakeBatch(2, 1, T0, out _));
        Assert.Equal(ScoredOutcome.Buffered, book.Scored(Group(d, 0), 1, T0));
        Assert.Equal([c.GroupId, d.GroupId], book.TakeBatch(2, 1, T0, out _)!.Select(g => g.GroupId));
        book.Trained();
        Assert.Equal(second.Select(i => i.GroupId), book.TakeBatch(2, 2, T0, out _)!.Select(g => g.GroupId));
        // One step waited (however often it asked), and no generation was wasted.
        Assert.Equal((1L, 0L, 0L), (book.WaitsForDue, book.DroppedStale, book.Requeued));
    }

    [Fact]
    public void AGroupDueLaterIsWaitedForWhenTheBatchesBeforeItsDeadlineCouldNotTakeItOtherwise()
    {
        // η = 2, B = 2: six drawn at version 0 are all due by version 2. Two are trained at 0; the other four need both
        // batches 1 and 2, so at version 1 the learner does not take E and F (drawn at 1, due at 3) ahead of them.
        var book = Book(maxStaleness: 2, groupsPerStep: 2);
        var first = book.Draw("g1", "local", 6, 0, T0);
        foreach (var item in first.Take(2)) Finish(book, item, 0);
        Assert.NotNull(book.TakeBatch(2, 0, T0, out _));
        book.Trained();
        var second = book.Draw("g2", "local", 6, 1, T0);
        Assert.Equal(2, second.Count);
        foreach (var item in second) Finish(book, item, 1);
        Assert.Null(book.TakeBatch(2, 1, T0, out _));
        foreach (var item in first.Skip(2).Take(2)) Assert.Equal(ScoredOutcome.Buffered, Finish(book, item, sampledAt: 0, learnerVersion: 1));
        Assert.Equal(first.Skip(2).Take(2).Select(i => i.GroupId), book.TakeBatch(2, 1, T0, out _)!.Select(g => g.GroupId));
        book.Trained();
        Assert.Null(book.TakeBatch(2, 2, T0, out _));
        foreach (var item in first.Skip(4)) Assert.Equal(ScoredOutcome.Buffered, Finish(book, item, sampledAt: 0, learnerVersion: 2));
        Assert.Equal(first.Skip(4).Select(i => i.GroupId), book.TakeBatch(2, 2, T0, out _)!.Select(g => g.GroupId));
        book.Trained();
        Assert.Equal(second.Select(i => i.GroupId), book.TakeBatch(2, 3, T0, out _)!.Select(g => g.GroupId));
        Assert.Equal((2L, 0L), (book.WaitsForDue, book.DroppedStale));
    }

    [Fact]
    public void BufferedGroupsWaitingWithTheLearnerForADueGroupAreNotAStallWhileThatGroupsLeaseRuns()
    {
        // A generation lease (90 s) longer than stall-after (60 s): the wait for D may outlast the buffered groups' stall lease.
        var (book, first, second) = OvertakenSlowGroup(Leases with { Generation = TimeSpan.FromSeconds(90) });
        Assert.Null(book.TakeBatch(2, 1, T0, out _));
        Assert.Empty(book.Expire(TimeSpan.FromSeconds(61)));
        // D's generator stalled after all: its lease ends the wait, and once the learner has its batch the clock runs again.
        var expired = Assert.Single(book.Expire(TimeSpan.FromSeconds(90)));
        Assert.Equal((first[3].Prompt.Id, PromptStage.Generating, false), (expired.PromptId, expired.Stage, expired.Stalled));
        Assert.Equal([first[2].GroupId, second[0].GroupId], book.TakeBatch(2, 1, TimeSpan.FromSeconds(90), out _)!.Select(g => g.GroupId));
        book.Trained();
        Assert.Null(book.TakeBatch(2, 2, TimeSpan.FromSeconds(90), out _)); // one buffered, two wanted: not a wait for a due group
        var stalled = Assert.Single(book.Expire(TimeSpan.FromSeconds(122)));
        Assert.Equal((second[1].Prompt.Id, PromptStage.Buffered, true), (stalled.PromptId, stalled.Stage, stalled.Stalled));
    }

    [Fact]
    public void AnExpiredGenerationLeaseOfADueGroupLetsTheLearnerGoOn()
    {
        var (book, first, second) = OvertakenSlowGroup();
        var (c, d) = (first[2], first[3]);
        Assert.Null(book.TakeBatch(2, 1, T0, out _));
        // D's generator stalls: its attempt fails and D is queued again, so it is no longer waited for.
        var expired = Assert.Single(book.Expire(TimeSpan.FromSeconds(10)));
        Assert.Equal((PromptStage.Generating, false), (expired.Stage, expired.Stalled));
        Assert.Equal(1, book.Count(PromptStage.Queued));
        Assert.Equal([c.GroupId, second[0].GroupId], book.TakeBatch(2, 1, TimeSpan.FromSeconds(10), out _)!.Select(g => g.GroupId));
        Assert.Equal((1L, 1L, 0L), (book.FailedAttempts, book.Requeued, book.DroppedStale));
        // The late group of the failed attempt is ignored; D is generated again, from version 1.
        Assert.Equal(GroupArrival.NotCurrent, book.Generated(d.GroupId, TimeSpan.FromSeconds(10)));
        book.Trained();
        Assert.Equal(d.Prompt.Position, Assert.Single(book.Draw("g2", "local", 1, 2, TimeSpan.FromSeconds(10))).Prompt.Position);
    }
}

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

    private static PromptBook Book(int maxStaleness = 1, int groupsPerStep = 4, long wanted = 100, PromptPosition? start = null) =>
        new(new SyntheticTask(), start ?? new PromptPosition("e0:i0", [], 0),
            new PromptBookShape(maxStaleness, (maxStaleness + 1) * groupsPerStep, wanted, DynamicSampling: false), Leases, T0);

    /// <summary>A scored group of two responses; <paramref name="secondReward"/> = 0 makes its rewards all equal.</summary>
    internal static RolloutGroup Group(WorkItem item, long version, double secondReward = 1) => new(item.GroupId, item.Prompt.Id, item.Prompt.Text, [1],
        item.Prompt.Gold, version, "g", [new Rollout([1], ["a"], [-0.1f], [version], "a", false, 0), new Rollout([1], ["a"], [-0.1f], [version], "a", false, secondReward)]);

    [Fact]
    public void APromptThatKeepsCrashingItsGeneratorIsQuarantinedAloneAndTheOthersGoOn()
    {
        var book = Book();
        var first = book.Draw("g1", "local", 4, T0);
        Assert.Equal(4, first.Count);
        // The generator crashes with all four: each failed once, and each now goes out alone.
        Assert.Empty(book.GeneratorLost("g1", "failed: boom", T0));
        var poison = first[0].Prompt.Position.ToString();
        // From now on the generator crashes whenever it holds the poison prompt, and only then.
        var generated = new List<string>();
        for (var round = 0; round < 20 && book.Count(PromptStage.Queued) > 0; round++)
        {
            var alone = book.Draw("g1", "local", 4, T0);
            Assert.Single(alone);
            var position = alone[0].Prompt.Position.ToString();
            if (position == poison) book.GeneratorLost("g1", "failed: boom", T0);
            else
            {
                Assert.True(book.Generated(alone[0].GroupId, T0));
                generated.Add(position);
            }
        }
        var q = Assert.Single(book.Quarantined);
        Assert.Equal((poison, 3, "generator failed: boom"), (q.Position, q.Failures, q.LastFailure));
        // Its batch-mates were each generated once, and are not quarantined; the poison prompt never comes back.
        Assert.Equal(first.Skip(1).Select(i => i.Prompt.Position.ToString()).Order(), generated.Order());
        Assert.Equal(4, book.Draw("g2", "local", 4, T0).Count(i => i.Prompt.Position.ToString() != poison));
        Assert.Contains(poison, book.Position().Quarantined!.Select(p => p.Position));
        Assert.DoesNotContain(poison, book.Position().Outstanding);
    }

    [Fact]
    public void AnExpiredGenerationLeaseRequeuesThePromptAndIgnoresTheLateGroup()
    {
        var book = Book();
        var item = Assert.Single(book.Draw("g1", "local", 1, T0));
        Assert.Empty(book.Expire(TimeSpan.FromSeconds(9)));
        var expired = Assert.Single(book.Expire(TimeSpan.FromSeconds(10)));
        Assert.Equal((PromptStage.Generating, "g1", false, false), (expired.Stage, expired.Holder, expired.Stalled, expired.Quarantined));
        Assert.Equal(1, book.Count(PromptStage.Queued));
        // The old attempt finishes after all: not a current attempt.
        Assert.False(book.Generated(item.GroupId, TimeSpan.FromSeconds(11)));
        var again = Assert.Single(book.Draw("g2", "local", 4, TimeSpan.FromSeconds(11)));
        Assert.Equal(item.Prompt.Position, again.Prompt.Position);
        Assert.NotEqual(item.GroupId, again.GroupId);
    }

    [Fact]
    public void AnExpiredVerificationLeaseCountsAsAFailedAttempt()
    {
        var book = Book();
        var item = Assert.Single(book.Draw("g1", "local", 1, T0));
        Assert.True(book.Generated(item.GroupId, T0));
        var expired = Assert.Single(book.Expire(TimeSpan.FromSeconds(5)));
        Assert.Equal(PromptStage.Verifying, expired.Stage);
        Assert.Equal(1, book.FailedAttempts);
        Assert.Equal(ScoredOutcome.Ignored, book.Scored(Group(item, 0), 0, TimeSpan.FromSeconds(6)));
    }

    [Fact]
    public void ABufferedGroupTheLearnerNeverTakesIsReportedAsAStallOnce()
    {
        var book = Book();
        var item = Assert.Single(book.Draw("g1", "local", 1, T0));
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
        var first = Assert.Single(book.Draw("g1", "local", 1, T0));
        book.GeneratorLost("g1", "stopped", T0);
        var second = Assert.Single(book.Draw("g2", "local", 1, T0));
        Assert.Equal(first.Prompt.Position, second.Prompt.Position);
        book.Generated(second.GroupId, T0);
        book.Scored(Group(second, 0), 0, T0);
        Assert.Empty(book.Draw("g2", "local", 1, T0));
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
        var items = book.Draw("g1", "local", 4, T0).Select(i => i.Prompt.Position.ToString());
        Assert.Equal(["e0:i3", "e0:i0", "e0:i5", "e0:i6"], items);
        Assert.Equal(quarantined, Assert.Single(book.Quarantined));
        Assert.Equal([quarantined], book.Position().Quarantined!);
    }

    [Fact]
    public void StaleGroupsAreDroppedAndTheirPromptsQueuedAgainNotCountedAsFailures()
    {
        var book = Book(maxStaleness: 0, groupsPerStep: 1);
        var item = Assert.Single(book.Draw("g1", "local", 1, T0));
        book.Generated(item.GroupId, T0);
        Assert.Equal(ScoredOutcome.DroppedStale, book.Scored(Group(item, 0), learnerVersion: 1, T0));
        Assert.Equal((1L, 0L, 1L), (book.DroppedStale, book.FailedAttempts, book.Requeued));
        Assert.Equal(item.Prompt.Position, Assert.Single(book.Draw("g1", "local", 1, T0)).Prompt.Position);
    }
}

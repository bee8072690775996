using FsCheck;
using FsCheck.Fluent;

namespace ActorRL.Engine.Tests.Pipeline.Lifecycle;

/// <summary>
/// Random sequences of pipeline events (draw, generated, scored, dropped stale, batch taken, trained, generator
/// lost, message lost, lease expired, resume) against the prompt book. After every event the driver checks that
/// each drawn prompt is in exactly one stage and that the resume point covers every unconsumed one; then healthy
/// parts run to the end, which must consume exactly the groups wanted, each prompt once, within the staleness bound.
/// </summary>
public class PromptBookPropertyTests
{
    private static void Holds(int maxStaleness, int groupsPerStep, int steps, bool dynamicSampling, int maxFailures = 3, bool inWaves = false) =>
        Prop.ForAll(ArbMap.Default.ArbFor<int[]>(), (int[] events) =>
        {
            var driver = new PromptBookDriver(maxStaleness, groupsPerStep, steps, dynamicSampling, maxFailures, inWaves);
            foreach (var e in events) driver.Apply(e);
            driver.Drain();
            Assert.Equal((long)steps * groupsPerStep, driver.Consumed.Count);
            Assert.Equal(driver.Consumed.Count, driver.Consumed.Distinct().Count());
            Assert.All(driver.Book.Quarantined, q => Assert.DoesNotContain(q.Position, driver.Consumed));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithEndSize(200));

    /// <summary>
    /// No failures, but generators and verifiers finish in any order, so slow groups are overtaken: none may be dropped as
    /// stale (the learner waits for a group it is the last to be able to train), and the run never deadlocks (the driver
    /// checks that a learner with a batch buffered waits only for an earlier group in flight, and the drain must finish).
    /// </summary>
    private static void NothingGoesStale(int maxStaleness, int groupsPerStep, int steps, bool dynamicSampling, bool inWaves = false) =>
        Prop.ForAll(Arb.Array(Gen.Choose(0, 999_999).ToArbitrary()), (int[] events) =>
        {
            var driver = new PromptBookDriver(maxStaleness, groupsPerStep, steps, dynamicSampling, inWaves: inWaves);
            foreach (var e in events)
            {
                driver.ApplyHealthy(e);
                Assert.Equal(0, driver.Book.DroppedStale);
            }
            driver.Drain();
            Assert.Equal((0L, 0L, 0L), (driver.Book.DroppedStale, driver.Book.FailedAttempts, driver.Book.Requeued));
            Assert.Equal((long)steps * groupsPerStep, driver.Consumed.Count);
            Assert.Equal(driver.Consumed.Count, driver.Consumed.Distinct().Count());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithEndSize(200));

    [Fact]
    public void NoOvertakenGroupGoesStaleWithOneVersionOfStaleness() => NothingGoesStale(maxStaleness: 1, groupsPerStep: 2, steps: 8, dynamicSampling: false);

    [Fact]
    public void NoOvertakenGroupGoesStaleWhenSeveralBatchesAreDueByOneDeadline() => NothingGoesStale(maxStaleness: 3, groupsPerStep: 2, steps: 8, dynamicSampling: false);

    [Fact]
    public void NoOvertakenGroupGoesStaleWithDynamicSampling() => NothingGoesStale(maxStaleness: 2, groupsPerStep: 3, steps: 6, dynamicSampling: true);

    [Fact]
    public void NoOvertakenGroupGoesStaleInWaves() => NothingGoesStale(maxStaleness: 1, groupsPerStep: 3, steps: 6, dynamicSampling: true, inWaves: true);

    [Fact]
    public void SynchronousRunConsumesEveryPromptOnce() => Holds(maxStaleness: 0, groupsPerStep: 2, steps: 6, dynamicSampling: false);

    [Fact]
    public void AsynchronousRunConsumesEveryPromptOnceWithinTheStalenessBound() => Holds(maxStaleness: 2, groupsPerStep: 3, steps: 6, dynamicSampling: false);

    [Fact]
    public void DynamicSamplingUsesUpUniformGroupsOnce() => Holds(maxStaleness: 1, groupsPerStep: 2, steps: 5, dynamicSampling: true);

    [Fact]
    public void InWavesADeterministicDynamicSamplingRunStillFinishesConsumingEveryPromptOnce() =>
        Holds(maxStaleness: 0, groupsPerStep: 3, steps: 5, dynamicSampling: true, inWaves: true);

    [Fact]
    public void QuarantineAfterOneFailureStillFinishes() => Holds(maxStaleness: 1, groupsPerStep: 2, steps: 4, dynamicSampling: false, maxFailures: 1);
}

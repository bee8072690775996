using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Pipeline.Lifecycle;
using ActorRL.Engine.Synthetic;
using ActorRL.Tasks;

namespace ActorRL.Engine.Tests.Pipeline.Lifecycle;

/// <summary>
/// What a reproducible synchronous run needs from the book: the same prompts share a generation pass and a batch
/// comes in the same order, however the generators, verifiers and learner interleave.
/// </summary>
public class PromptBookDeterminismTests
{
    private const int GroupsPerStep = 4;
    private const int Steps = 6;

    private static PromptBook SyncBook(bool dynamicSampling, bool inWaves) => new(new SyntheticTask(), new PromptPosition("e0:i0", [], 0),
        new PromptBookShape(0, GroupsPerStep, (long)Steps * GroupsPerStep, dynamicSampling, inWaves), PromptBookTests.Leases, TimeSpan.Zero);

    /// <summary>A prompt's rewards are a fixed function of its id (a third of them all equal), as a deterministic policy's would be.</summary>
    private static RolloutGroup Scored(WorkItem item, long version) =>
        PromptBookTests.Group(item, version, secondReward: item.Prompt.Id.Sum(c => c) % 3 == 0 ? 0 : 1);

    [Fact]
    public void A_batch_comes_in_draw_order_whatever_order_the_verifiers_finish_in()
    {
        var book = SyncBook(dynamicSampling: false, inWaves: false);
        var items = book.Draw("g1", "local", GroupsPerStep, 0, TimeSpan.Zero);
        foreach (var item in items) Assert.Equal(GroupArrival.Accepted, book.Generated(item.GroupId, TimeSpan.Zero));
        foreach (var item in items.Reverse()) Assert.Equal(ScoredOutcome.Buffered, book.Scored(Scored(item, 0), 0, TimeSpan.Zero));

        var batch = book.TakeBatch(GroupsPerStep, 0, TimeSpan.Zero, out _)!;

        Assert.Equal(items.Select(i => i.Prompt.Id), batch.Select(g => g.PromptId));
    }

    /// <summary>
    /// One synchronous DAPO run with two generators (two prompts a pass), every event's order drawn from <paramref name="seed"/>.
    /// Returns what sampling depends on (the prompt sets of the generation passes) and what training depends on (the batches).
    /// </summary>
    private static (List<string> Passes, List<string> Batches) Run(bool inWaves, int seed)
    {
        var random = new Random(seed);
        var book = SyncBook(dynamicSampling: true, inWaves);
        var held = new Dictionary<string, IReadOnlyList<WorkItem>> { ["g1"] = [], ["g2"] = [] };
        var verifying = new List<WorkItem>();
        var passes = new List<string>();
        var batches = new List<string>();
        var inTraining = false;
        long version = 0;
        for (var tick = 0; tick < 100_000 && batches.Count < Steps; tick++)
        {
            switch (random.Next(4))
            {
                case 0: // a generator: asks for work when idle, else finishes its pass
                    var generator = random.Next(2) == 0 ? "g1" : "g2";
                    if (held[generator].Count == 0)
                    {
                        held[generator] = book.Draw(generator, "local", 2, version, TimeSpan.Zero);
                        if (held[generator].Count > 0) passes.Add(string.Join(",", held[generator].Select(i => i.Prompt.Id)));
                    }
                    else
                    {
                        foreach (var item in held[generator]) Assert.Equal(GroupArrival.Accepted, book.Generated(item.GroupId, TimeSpan.Zero));
                        verifying.AddRange(held[generator]);
                        held[generator] = [];
                    }
                    break;
                case 1 when verifying.Count > 0: // one of the verifier pool finishes a group
                    var index = random.Next(verifying.Count);
                    book.Scored(Scored(verifying[index], version), version, TimeSpan.Zero);
                    verifying.RemoveAt(index);
                    break;
                case 2 when !inTraining: // the waiting learner is served
                    if (book.TakeBatch(GroupsPerStep, version, TimeSpan.Zero, out _) is { } batch)
                    {
                        batches.Add(string.Join(",", batch.Select(g => g.PromptId)));
                        inTraining = true;
                    }
                    break;
                case 3 when inTraining: // the learner publishes the update
                    version++;
                    book.Trained();
                    inTraining = false;
                    break;
            }
        }
        Assert.Equal(Steps, batches.Count);
        passes.Sort(StringComparer.Ordinal);
        return (passes, batches);
    }

    [Fact]
    public void In_waves_the_generation_passes_and_batches_of_a_dynamic_sampling_run_never_depend_on_timing()
    {
        var first = Run(inWaves: true, seed: 0);
        for (var seed = 1; seed < 40; seed++)
        {
            var other = Run(inWaves: true, seed);
            Assert.Equal(first.Passes, other.Passes);
            Assert.Equal(first.Batches, other.Batches);
        }
    }

    [Fact]
    public void Without_waves_a_dynamic_sampling_refill_depends_on_which_verifier_finished_first()
    {
        // The reason waves exist: otherwise room freed by a dropped group is handed out at once, in whatever size is free then.
        var first = Run(inWaves: false, seed: 0);
        Assert.Contains(Enumerable.Range(1, 40), seed => !Run(inWaves: false, seed).Passes.SequenceEqual(first.Passes));
    }
}

using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Pipeline.Lifecycle;
using ActorRL.Engine.Synthetic;
using ActorRL.Tasks;

namespace ActorRL.Engine.Tests.Pipeline.Lifecycle;

/// <summary>
/// Plays the rest of the pipeline around a <see cref="PromptBook"/>: generators that draw, finish, lose work or
/// crash; verifiers that score (or lose a group); a learner that takes batches, trains, checkpoints and resumes from
/// its last checkpoint; a clock. After every event it checks the book's invariants against what it saw itself, so a
/// property test only has to choose the events.
/// </summary>
internal sealed class PromptBookDriver
{
    public const int Holders = 3;

    private sealed record Attempt(WorkItem Item, string Holder, long Version);

    private sealed record Checkpoint(PromptPosition Position, List<string> Consumed, List<string> Filtered, long Version);

    private readonly SyntheticTask _task = new();
    private readonly PromptBookShape _shape;
    private readonly PromptLeases _leases;
    private readonly int _groupsPerStep;
    private readonly List<Attempt> _generating = new();
    private readonly List<RolloutGroup> _verifying = new();
    private List<RolloutGroup>? _inTraining;
    private PromptPosition? _positionAtTake;
    private List<string>? _filteredAtTake;
    private Checkpoint _checkpoint;
    private List<string> _consumed = new();
    private List<string> _filtered = new();
    private bool _lostMessage;   // since the last resume: the book may hold attempts the driver no longer knows of

    public PromptBookDriver(int maxStaleness, int groupsPerStep, int steps, bool dynamicSampling, int maxFailures = 3, bool inWaves = false)
    {
        _groupsPerStep = groupsPerStep;
        _shape = new PromptBookShape(maxStaleness, (maxStaleness + 1) * groupsPerStep, (long)steps * groupsPerStep, dynamicSampling, inWaves);
        _leases = new PromptLeases(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), maxFailures);
        var start = new PromptPosition(PromptCursor.Start.ToString(), [], 0);
        Book = new PromptBook(_task, start, _shape, _leases, Now);
        _checkpoint = new Checkpoint(start, [], [], 0);
    }

    public PromptBook Book { get; private set; }
    public TimeSpan Now { get; private set; }
    public long Version { get; private set; }
    public int Resumes { get; private set; }

    /// <summary>Prompts trained on, in order, as the run's history now stands (a resume rolls back to the checkpoint).</summary>
    public IReadOnlyList<string> Consumed => _consumed;

    public bool Finished => Book.GroupsTaken >= _shape.GroupsWanted && _inTraining is null;

    /// <summary>One event, chosen by <paramref name="code"/> (any int; property tests generate and shrink these).</summary>
    public void Apply(int code)
    {
        var c = Math.Abs(code % 1_000_000);
        var (op, arg) = (c % 10, c / 10);
        switch (op)
        {
            case 0 or 1: Draw($"g{arg % Holders}", 1 + arg % 4); break;
            case 2: FinishGeneration(arg); break;
            case 3: Score(arg, uniform: arg % 5 == 0); break;
            case 4: TakeBatch(); break;
            case 5: Train(); break;
            case 6: LoseGenerator($"g{arg % Holders}"); break;
            case 7: Tick(TimeSpan.FromSeconds(1 + arg % 15)); break;
            case 8: if (arg % 4 == 0) Resume(); else LoseMessage(arg); break;
            default: ScoreLateDuplicate(arg); break;
        }
        CheckInvariants();
    }

    /// <summary>
    /// One event of a run in which nothing fails (no lost generator or message, no expired lease, no resume), chosen by
    /// <paramref name="code"/>: generators draw at the learner's version and mostly finish the newest attempt first, so
    /// older ones are overtaken; verifiers score in any order; the learner takes a batch when it can, and trains.
    /// </summary>
    public void ApplyHealthy(int code)
    {
        var c = Math.Abs(code % 1_000_000);
        var (op, arg) = (c % 6, c / 6);
        switch (op)
        {
            case 0: Draw($"g{arg % Holders}", 1 + arg % 4); break;
            case 1 or 2: FinishGeneration(_generating.Count - 1); break;
            case 3: FinishGeneration(arg); break;
            case 4: Score(arg % 2 == 0 ? _verifying.Count - 1 : arg, uniform: arg % 5 == 0); break;
            default: if (_inTraining is null) TakeBatch(); else Train(); break;
        }
        CheckInvariants();
    }

    /// <summary>Healthy generators and verifiers and a steady learner until the run ends; fails if it cannot.</summary>
    public void Drain()
    {
        for (var round = 0; round < 10_000 && !Finished; round++)
        {
            Tick(TimeSpan.FromSeconds(1));
            Draw("g0", 4);
            while (_generating.Count > 0) FinishGeneration(0);
            while (_verifying.Count > 0) Score(0, uniform: false);
            if (_inTraining is null) TakeBatch();
            Train();
            CheckInvariants();
        }
        Assert.True(Finished, $"the run did not finish: {Book.GroupsTaken}/{_shape.GroupsWanted} taken, " + StallExplanation.Census(Book.Census(Now)));
    }

    private void Draw(string holder, int max)
    {
        var before = Book.Admitted;
        var items = Book.Draw(holder, "local", max, Version, Now);
        Assert.True(items.Count <= max);
        Assert.Equal(before + items.Count, Book.Admitted);
        foreach (var item in items) _generating.Add(new Attempt(item, holder, Version));
    }

    private void FinishGeneration(int pick)
    {
        if (_generating.Count == 0) return;
        var attempt = _generating[pick % _generating.Count];
        _generating.Remove(attempt);
        if (Book.Generated(attempt.Item.GroupId, Now) == GroupArrival.Accepted) _verifying.Add(Group(attempt, pick));
    }

    /// <summary>A group whose tokens were sampled between the attempt's start and now, as in-flight weight updates make them.</summary>
    private RolloutGroup Group(Attempt attempt, int seed)
    {
        var rollouts = Enumerable.Range(0, 2).Select(i =>
        {
            var versions = new long[] { attempt.Version, Math.Max(attempt.Version, Version - (seed + i) % 2) };
            return new Rollout([1, 2], ["a", "b"], [-0.1f, -0.2f], versions, "ab", false, Reward: i);
        }).ToList();
        var prompt = attempt.Item.Prompt;
        return new RolloutGroup(attempt.Item.GroupId, prompt.Id, prompt.Text, [1], prompt.Gold, attempt.Version, attempt.Holder, rollouts);
    }

    private void Score(int pick, bool uniform)
    {
        if (_verifying.Count == 0) return;
        var group = _verifying[pick % _verifying.Count];
        _verifying.Remove(group);
        if (uniform) group = group with { Rollouts = group.Rollouts.Select(r => r with { Reward = 1 }).ToList() };
        var outcome = Book.Scored(group, Version, Now);
        if (outcome == ScoredOutcome.Buffered) Assert.True(group.Staleness(Version) <= _shape.MaxStaleness);
        if (outcome == ScoredOutcome.DroppedUniform)
        {
            Assert.True(uniform && _shape.DynamicSampling);
            _filtered.Add(PositionOf(group.PromptId));
        }
    }

    /// <summary>A verifier answering twice, or for an attempt whose lease ended: the book must ignore it.</summary>
    private void ScoreLateDuplicate(int pick)
    {
        var taken = Book.GroupsTaken;
        var buffered = Book.Count(PromptStage.Buffered);
        var group = new RolloutGroup($"synthetic:{pick}#0", $"synthetic:{pick}", "", [], "", Version, "g0", []);
        Assert.Equal(ScoredOutcome.Ignored, Book.Scored(group, Version, Now));
        Assert.Equal(GroupArrival.NotCurrent, Book.Generated(group.GroupId, Now));
        Assert.Equal((taken, buffered), (Book.GroupsTaken, Book.Count(PromptStage.Buffered)));
    }

    private void TakeBatch()
    {
        if (_inTraining is not null) return;
        var batch = Book.TakeBatch(_groupsPerStep, Version, Now, out _);
        if (batch is null)
        {
            // No deadlock: with a batch's worth buffered the learner waits only for a group still generating or verifying,
            // started at an earlier version (one started now can wait for a later batch) and not yet past saving.
            var buffered = Book.Count(PromptStage.Buffered);
            if (buffered < _groupsPerStep) return;
            Assert.True(Book.Count(PromptStage.Generating) + Book.Count(PromptStage.Verifying) > 0, $"{buffered} buffered, none in flight, and no batch");
            bool Savable(long start) => start < Version && start + _shape.MaxStaleness >= Version;
            if (!_lostMessage)
                Assert.True(_generating.Any(a => Savable(a.Version)) || _verifying.Any(g => Savable(g.OldestTokenVersion)),
                    $"{buffered} buffered and no batch, but no earlier group in flight to wait for");
            return;
        }
        Assert.Equal(_groupsPerStep, batch.Count);
        foreach (var group in batch)
            Assert.True(group.Staleness(Version) <= _shape.MaxStaleness, $"{group.GroupId} is {group.Staleness(Version)} versions stale, η = {_shape.MaxStaleness}");
        _inTraining = batch.ToList();
        _positionAtTake = Book.Position();
        _filteredAtTake = _filtered.ToList();
    }

    /// <summary>The learner's step on the batch in training: a new version, and (always, here) a checkpoint.</summary>
    private void Train()
    {
        if (_inTraining is null) return;
        _consumed.AddRange(_inTraining.Select(g => PositionOf(g.PromptId)));
        _inTraining = null;
        Version++;
        Book.Trained();
        _checkpoint = new Checkpoint(_positionAtTake!, _consumed.ToList(), _filteredAtTake!, Version);
    }

    private void LoseGenerator(string holder)
    {
        Book.GeneratorLost(holder, "crashed", Now);
        _generating.RemoveAll(a => a.Holder == holder);
    }

    /// <summary>A WorkAssigned or GroupGenerated lost on the wire: only the lease can bring the prompt back.</summary>
    private void LoseMessage(int pick)
    {
        if (_generating.Count > 0) _generating.RemoveAt(pick % _generating.Count);
        else if (_verifying.Count > 0) _verifying.RemoveAt(pick % _verifying.Count);
        else return;
        _lostMessage = true;
    }

    private void Tick(TimeSpan by)
    {
        Now += by;
        foreach (var expired in Book.Expire(Now))
            Assert.True(expired.Stalled || expired.Stage is PromptStage.Generating or PromptStage.Verifying);
    }

    /// <summary>kill -9 and restart: a new book from the last checkpoint; everything after it is forgotten.</summary>
    private void Resume()
    {
        Resumes++;
        Book = new PromptBook(_task, _checkpoint.Position, _shape, _leases, Now);
        _consumed = _checkpoint.Consumed.ToList();
        _filtered = _checkpoint.Filtered.ToList();
        Version = _checkpoint.Version;
        _generating.Clear();
        _verifying.Clear();
        _inTraining = null;
        _lostMessage = false;
    }

    private static string PositionOf(string promptId) => new PromptCursor(0, long.Parse(promptId["synthetic:".Length..])).ToString();

    private void CheckInvariants()
    {
        // Every drawn prompt is in exactly one stage: live, quarantined, or consumed (trained on, or filtered).
        var entries = Book.Entries.ToList();
        var inBook = entries.Select(e => e.Position).ToList();
        var used = _consumed.Concat(_filtered).ToList();
        Assert.Equal(inBook.Count, inBook.Distinct().Count());
        Assert.Equal(used.Count, used.Distinct().Count());
        Assert.Empty(inBook.Intersect(used));
        var drawn = Enumerable.Range(0, (int)PromptCursor.Parse(Book.Cursor).Index).Select(i => new PromptCursor(0, i).ToString()).ToHashSet();
        Assert.True(drawn.SetEquals(inBook.Concat(used)), "drawn prompts unaccounted for");

        // Every live stage holds a lease; the terminal ones none.
        foreach (var (_, stage, lease) in entries) Assert.Equal(stage != PromptStage.Quarantined, lease is not null);

        // The resume point covers every drawn prompt that is neither consumed, quarantined, nor in the batch in training.
        var position = Book.Position();
        var inTraining = entries.Where(e => e.Stage == PromptStage.InTraining).Select(e => e.Position);
        var covered = position.Outstanding.Concat(position.Quarantined!.Select(q => q.Position)).Concat(inTraining).Concat(used).ToList();
        Assert.Equal(covered.Count, covered.Distinct().Count());
        Assert.True(drawn.SetEquals(covered), "the resume point misses a prompt");
        Assert.Equal(position.Outstanding.Count, entries.Count(e => e.Stage is PromptStage.Queued or PromptStage.Generating or PromptStage.Verifying or PromptStage.Buffered));

        // Admission control: never more than (η + 1)·B started, and never more than the run needs.
        Assert.True(Book.Admitted <= _shape.AdmissionCapacity);
        Assert.True(Book.GroupsTaken <= _shape.GroupsWanted);
        Assert.True(Book.MaxStalenessTaken <= _shape.MaxStaleness);
    }
}

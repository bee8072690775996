using ActorRL.Core.Rollouts;
using ActorRL.Tasks;

namespace ActorRL.Engine.Pipeline.Lifecycle;

/// <summary>The run's shape as far as the book is concerned.</summary>
/// <param name="MaxStaleness">η: a group is used only if learner version − oldest token version ≤ η.</param>
/// <param name="AdmissionCapacity">(η + 1)·B: prompts generating, verifying, buffered or in training at once.</param>
/// <param name="GroupsWanted">Groups the learner will take in total; no prompt is started beyond what that needs.</param>
/// <param name="DynamicSampling">DAPO: a group whose rewards are all equal is used up without training.</param>
/// <param name="InWaves">Hand prompts out in waves (deterministic runs): room that frees up while prompts are generating or
/// verifying (a group dropped for equal rewards) is handed out only once none are, so which prompts share a generation
/// pass, and so what is sampled, never depends on which verifier finished first.</param>
public sealed record PromptBookShape(int MaxStaleness, int AdmissionCapacity, long GroupsWanted, bool DynamicSampling, bool InWaves = false);

/// <summary>
/// The prompt lifecycle, as one pure class (no actors, no clocks: the caller passes <c>now</c>). Every prompt
/// drawn from the task's stream is in exactly one <see cref="PromptStage"/>, and the book alone moves it:
/// queued → generating → verifying → buffered → in training → consumed, with these ways back:
/// <list type="bullet">
/// <item>a generator lost, or a generation or verification lease expired: the attempt failed, the prompt is queued
/// again (handed out alone from then on, so one prompt that crashes a generator cannot drag its batch-mates down
/// with it), and quarantined after <see cref="PromptLeases.MaxGenerationFailures"/> failures;</item>
/// <item>overtaken past the staleness bound (on arrival or while buffered): queued again, not a failure.</item>
/// </list>
/// Admission control (as AReaL does it): a prompt is started only while fewer than (η + 1)·B are generating,
/// verifying, buffered or in training. That is AReaL's <c>in flight + consumed &lt; (v + η + 1)·B</c> with the
/// consumed v·B groups of a learner at version v subtracted (the batch in training counts as in flight), so the
/// groups started by version v fit in the batches of versions ≤ v + η. Timing alone does not put them there: a
/// slow group is overtaken by later, faster ones, and the learner would train on those, move past its version + η
/// and leave it too stale. So batches are taken earliest deadline first: a group is due at the last learner version
/// that may still train it (the version it was drawn to be sampled with + η, or once buffered its oldest token's
/// version + η), and while a group due now is still generating or verifying and the due ones buffered do not fill
/// a batch (or, generally, the batches left before some deadline could not take the groups due by it), the learner
/// waits for it (<see cref="TakeBatch"/>). No generation is wasted on staleness then; the buffer's check is left as
/// the safety net (tokens older than the version a prompt was drawn with), and a generator that stalls holds the
/// learner up only until its generation lease expires and the prompt is queued again.
///
/// <see cref="Position"/> is the resume point a checkpoint records: the next fresh prompt and every drawn prompt not
/// consumed, quarantined or in training (the batch in training is the checkpointed step's own). A book built from a
/// position regenerates those first, so after a resume no prompt is skipped and none is trained on twice.
/// The coordinator actor only translates messages into calls on this class; property tests drive it directly.
/// </summary>
public sealed class PromptBook
{
    /// <summary>One drawn prompt that is not consumed yet. Mutable, and never seen outside the book.</summary>
    private sealed class Entry(TaskPrompt prompt, long drawn)
    {
        public TaskPrompt Prompt { get; } = prompt;
        public string Position { get; } = prompt.Position.ToString();
        public long Drawn { get; } = drawn;
        /// <summary>The weights version the current attempt was handed out to be sampled with.</summary>
        public long StartVersion { get; set; }
        /// <summary>Once buffered, the group's oldest token version (which decides its staleness); null before.</summary>
        public long? OldestTokenVersion { get; set; }
        public PromptStage Stage { get; set; }
        public string? GroupId { get; set; }
        public string? Holder { get; set; }
        public string Node { get; set; } = "";
        public TimeSpan Since { get; set; }
        public TimeSpan LeaseEnds { get; set; }
        public int Failures { get; set; }
        public string LastFailure { get; set; } = "";
    }

    private readonly PromptBookShape _shape;
    private readonly PromptLeases _leases;
    private readonly PromptStream _stream;
    private readonly RolloutBuffer _buffer;
    private readonly Dictionary<string, Entry> _live = new();          // by position: every stage but the terminal ones
    private readonly Dictionary<string, Entry> _byAttempt = new();     // by group id: generating, verifying, buffered, in training
    private readonly LinkedList<Entry> _queue = new();
    private readonly List<QuarantinedPrompt> _quarantined = new();
    private readonly Dictionary<string, long> _takenByNode = new();
    private long _draws;
    private long _attempts;
    private long _waveLeft;
    private long _lastWaitFor = -1;
    // The learner's last ask was held back for a due group: buffered groups then wait on purpose, for at most that
    // group's generation or verification lease, which is not a stall however long it runs.
    private bool _waitingForDue;

    /// <param name="start">Where to begin: a fresh run's <c>PromptPosition(cursor, [], 0)</c>, or a checkpoint's.</param>
    public PromptBook(IVerifiableTask task, PromptPosition start, PromptBookShape shape, PromptLeases leases, TimeSpan now)
    {
        _shape = shape;
        _leases = leases;
        _stream = new PromptStream(task, PromptCursor.Parse(start.Cursor));
        _buffer = new RolloutBuffer(shape.MaxStaleness, shape.DynamicSampling);
        GroupsTaken = start.GroupsConsumed;
        foreach (var position in start.Outstanding)
        {
            var entry = new Entry(task.PromptAt(PromptCursor.Parse(position)), ++_draws);
            _live.Add(entry.Position, entry);
            Queue(entry, now);
        }
        foreach (var q in start.Quarantined ?? []) _quarantined.Add(q);
    }

    // ---- counters ----------------------------------------------------------------------------------------------

    /// <summary>Groups handed to the learner in batches, since the run began (a resumed book starts at the checkpoint's count).</summary>
    public long GroupsTaken { get; private set; }

    public long DroppedStale => _buffer.DroppedStale;
    public long DroppedUniform => _buffer.DroppedUniform;

    /// <summary>Times a prompt was queued to be generated again (failed attempt or staleness).</summary>
    public long Requeued { get; private set; }

    /// <summary>Attempts that failed: generator lost, or a generation or verification lease expired.</summary>
    public long FailedAttempts { get; private set; }

    public int MaxStalenessTaken { get; private set; }

    /// <summary>Groups handed in by someone other than the generator their attempt was issued to, and refused.</summary>
    public long RefusedFromOtherHolder { get; private set; }

    /// <summary>Groups refused as malformed (<c>GroupShape</c>): each failed its attempt, and its prompt was generated again.</summary>
    public long RefusedMalformed { get; private set; }

    /// <summary>Learner steps that, with a batch's worth buffered, waited for a due group still generating or verifying
    /// (each step counted once, however often it asked).</summary>
    public long WaitsForDue { get; private set; }
    public IReadOnlyList<QuarantinedPrompt> Quarantined => _quarantined;
    public IReadOnlyDictionary<string, long> TakenByNode => _takenByNode;
    public string Cursor => _stream.Position.ToString();

    /// <summary>Prompts generating, verifying, buffered or in training: what admission control counts.</summary>
    public int Admitted => _byAttempt.Count;

    public int Count(PromptStage stage) => _live.Values.Count(e => e.Stage == stage);

    /// <summary>Whether a generator asking now would be handed a prompt.</summary>
    private bool HasRoom => Admitted < _shape.AdmissionCapacity && StillNeeded > 0;

    /// <summary>Groups that could still be taken if everything started now is used.</summary>
    private long StillNeeded => _shape.GroupsWanted - GroupsTaken - _byAttempt.Values.Count(e => e.Stage != PromptStage.InTraining);

    // ---- the lifecycle -----------------------------------------------------------------------------------------

    /// <summary>
    /// Hands up to <paramref name="max"/> prompts to <paramref name="holder"/> (a generator, on <paramref name="node"/>),
    /// queued ones first, to be sampled with weights version <paramref name="version"/> (the learner's less the policy
    /// lag: what their deadlines are counted from). A prompt that failed before goes out alone. Returns none when
    /// admission is full.
    /// </summary>
    public IReadOnlyList<WorkItem> Draw(string holder, string node, int max, long version, TimeSpan now)
    {
        var free = Math.Max(0, Math.Min(_shape.AdmissionCapacity - Admitted, StillNeeded));
        if (_shape.InWaves)
        {
            // A wave opens when the last one is handed out in full and nothing is generating or verifying: its size is then a
            // function of the outcomes so far. (Within a wave, free room never falls below what the wave has left.)
            if (_waveLeft == 0 && !_byAttempt.Values.Any(e => e.Stage is PromptStage.Generating or PromptStage.Verifying)) _waveLeft = free;
            free = Math.Min(free, _waveLeft);
        }
        var room = (int)Math.Min(free, max);
        var items = new List<WorkItem>(room);
        while (items.Count < room)
        {
            var suspect = _queue.First is { } first && first.Value.Failures > 0;
            if (suspect && items.Count > 0) break;
            Entry entry;
            if (_queue.First is { } next)
            {
                entry = next.Value;
                _queue.RemoveFirst();
            }
            else
            {
                entry = new Entry(_stream.Next(), ++_draws);
                _live.Add(entry.Position, entry);
            }
            entry.GroupId = $"{entry.Prompt.Id}#{++_attempts}";
            entry.Holder = holder;
            entry.Node = node;
            entry.StartVersion = version;
            entry.OldestTokenVersion = null;
            Move(entry, PromptStage.Generating, now);
            _byAttempt.Add(entry.GroupId, entry);
            items.Add(new WorkItem(entry.GroupId, entry.Prompt));
            if (suspect) break;
        }
        if (_shape.InWaves) _waveLeft -= items.Count;
        return items;
    }

    /// <summary>The generator finished attempt <paramref name="groupId"/>. False: not a current attempt; drop the group.</summary>
    /// <param name="from">Who delivered the group; when given it must be the holder the attempt was issued to (a
    /// remote node is untrusted: it may not hand in, or finish, another generator's work).</param>
    /// <param name="malformed">Why the group cannot be used (see GroupShape), or null: a malformed group from its own
    /// holder fails the attempt now (retried, or quarantined), rather than when its lease would end.</param>
    public GroupArrival Generated(string groupId, TimeSpan now, string? from = null, string? malformed = null)
    {
        if (!_byAttempt.TryGetValue(groupId, out var entry) || entry.Stage != PromptStage.Generating) return GroupArrival.NotCurrent;
        if (from is not null && from != entry.Holder)
        {
            RefusedFromOtherHolder++;
            return GroupArrival.FromAnotherHolder;
        }
        if (malformed is not null)
        {
            RefusedMalformed++;
            Fail(entry, $"malformed group: {malformed}", now);
            return GroupArrival.Malformed;
        }
        Move(entry, PromptStage.Verifying, now);
        return GroupArrival.Accepted;
    }

    /// <summary>The prompt an attempt (group id) was drawn for: its id, text and gold answer come from here, never from
    /// the group a generator sends back. Null when the attempt is not live.</summary>
    public TaskPrompt? PromptOf(string groupId) => _byAttempt.TryGetValue(groupId, out var entry) ? entry.Prompt : null;

    /// <summary>The verifiers scored <paramref name="group"/>; offers it to the buffer for a learner at <paramref name="learnerVersion"/>.</summary>
    public ScoredOutcome Scored(RolloutGroup group, long learnerVersion, TimeSpan now)
    {
        if (!_byAttempt.TryGetValue(group.GroupId, out var entry) || entry.Stage != PromptStage.Verifying) return ScoredOutcome.Ignored;
        switch (_buffer.Offer(group, learnerVersion))
        {
            case null:
                entry.OldestTokenVersion = group.OldestTokenVersion;
                Move(entry, PromptStage.Buffered, now);
                return ScoredOutcome.Buffered;
            case DropReason.TooStale:
                Requeue(entry, now);
                return ScoredOutcome.DroppedStale;
            default:
                Consume(entry);
                return ScoredOutcome.DroppedUniform;
        }
    }

    /// <summary>
    /// The <paramref name="count"/> oldest admissible groups for a learner at <paramref name="learnerVersion"/>, now in
    /// training; null (taking nothing) if fewer are buffered, or while a group still generating or verifying would be left
    /// too stale by this batch, typically one due at <paramref name="learnerVersion"/> with fewer than
    /// <paramref name="count"/> due ones buffered (<see cref="WaitsForDueGroup"/>). Groups past the staleness bound are queued again and
    /// returned in <paramref name="droppedStale"/>. At most one batch is in training: take the next after <see cref="Trained"/>.
    /// </summary>
    public IReadOnlyList<RolloutGroup>? TakeBatch(int count, long learnerVersion, TimeSpan now, out IReadOnlyList<RolloutGroup> droppedStale)
    {
        if (_byAttempt.Values.Any(e => e.Stage == PromptStage.InTraining))
            throw new InvalidOperationException("a batch is still in training; report Trained first");
        // Taking none drops what went stale, so its prompts are queued again (and free their room) even while we wait.
        _buffer.TryTake(0, learnerVersion, out droppedStale);
        foreach (var stale in droppedStale) Requeue(_byAttempt[stale.GroupId], now);
        _waitingForDue = WaitsForDueGroup(count, learnerVersion);
        if (_waitingForDue)
        {
            if (_lastWaitFor != learnerVersion) WaitsForDue++;
            _lastWaitFor = learnerVersion;
            return null;
        }
        // The buffer takes the oldest first: the earliest due, as the wait above assumed.
        var taken = _buffer.TryTake(count, learnerVersion, out _);
        if (taken is null) return null;
        // In draw order, not in the order the verifiers happened to finish: the loss sums over the batch in this order,
        // and float sums depend on it, so a batch of the same groups always gives the same bits.
        var batch = taken.OrderBy(g => _byAttempt[g.GroupId].Drawn).ToList();
        foreach (var group in batch)
        {
            var entry = _byAttempt[group.GroupId];
            Move(entry, PromptStage.InTraining, now);
            _takenByNode[entry.Node] = _takenByNode.GetValueOrDefault(entry.Node) + 1;
            MaxStalenessTaken = Math.Max(MaxStalenessTaken, (int)group.Staleness(learnerVersion));
        }
        GroupsTaken += batch.Count;
        return batch;
    }

    /// <summary>
    /// Whether a learner at <paramref name="learnerVersion"/> must wait before taking the <paramref name="count"/> oldest
    /// buffered groups: earliest deadline first, a batch of <paramref name="count"/> (the learner always asks for B) a
    /// version from here on. A group is due at the last version that
    /// may train it; it waits if, for some version d, the groups due by d that this batch would leave exceed what the
    /// batches of the versions before d can take, one of them is still generating or verifying (so waiting can help), and
    /// the batch holds a group due after d (which it could replace). With d = <paramref name="learnerVersion"/>: a group
    /// this version is the last to be able to train is still coming, and the due ones buffered do not fill the batch.
    /// (Waiting only for a group due now is not enough once η ≥ 2: 2·B groups due at v + 2 need both batches v + 1 and
    /// v + 2.) A failed attempt is queued again, so is not waited for: a stalled generator holds the learner up only until
    /// its lease expires. Admission control keeps the groups due by any d within what the batches up to d can take, so
    /// when tokens come from the version their prompt was drawn with, waiting ends with none gone stale.
    /// </summary>
    private bool WaitsForDueGroup(int count, long learnerVersion)
    {
        long Due(Entry e) => (e.OldestTokenVersion ?? e.StartVersion) + _shape.MaxStaleness;
        // One already past saving (its tokens went stale in flight) is dropped on arrival whatever we do: not waited for.
        var coming = _byAttempt.Values.Where(e => e.Stage is PromptStage.Generating or PromptStage.Verifying)
            .Select(Due).Where(d => d >= learnerVersion).ToList();
        if (coming.Count == 0) return false;
        var buffered = _byAttempt.Values.Where(e => e.Stage == PromptStage.Buffered).Select(Due).Order().ToList();
        if (buffered.Count < count) return false;   // no batch to take anyway
        // The buffer takes the oldest tokens first, which are the earliest due.
        var latestInBatch = buffered[count - 1];
        var left = coming.Concat(buffered.Skip(count)).Order().ToList();
        var earliestComing = coming.Min();
        for (var i = 0; i < left.Count; i++)
        {
            var d = left[i];
            if (d >= latestInBatch) break;
            if (d < earliestComing || (i + 1 < left.Count && left[i + 1] == d)) continue;
            // i + 1 groups left due by d, and the batches of versions learnerVersion + 1 … d can take (d − learnerVersion)·count.
            if (i + 1 > (d - learnerVersion) * count) return true;
        }
        return false;
    }

    /// <summary>The learner published the update trained on the batch in training: its prompts are consumed.</summary>
    public void Trained()
    {
        foreach (var entry in _byAttempt.Values.Where(e => e.Stage == PromptStage.InTraining).ToList()) Consume(entry);
    }

    /// <summary>
    /// <paramref name="holder"/> restarted or died: each prompt it was generating failed an attempt. Prompts already with
    /// the verifiers are unaffected. Returns the prompts quarantined now.
    /// </summary>
    public IReadOnlyList<QuarantinedPrompt> GeneratorLost(string holder, string reason, TimeSpan now)
    {
        var before = _quarantined.Count;
        foreach (var entry in _byAttempt.Values.Where(e => e.Stage == PromptStage.Generating && e.Holder == holder).OrderBy(e => e.Drawn).ToList())
            Fail(entry, $"generator {reason}", now);
        return _quarantined.Skip(before).ToList();
    }

    /// <summary>
    /// Ends every lease that ran out by <paramref name="now"/>. A generation or verification attempt fails (retried or
    /// quarantined); a queued, buffered or in-training prompt is reported as a stall (and its lease renewed, so a
    /// stall is reported once a lease period).
    /// </summary>
    public IReadOnlyList<LeaseExpired> Expire(TimeSpan now)
    {
        var expired = new List<LeaseExpired>();
        foreach (var entry in _live.Values.Where(e => e.LeaseEnds <= now).OrderBy(e => e.Drawn).ToList())
        {
            var (stage, holder, held) = (entry.Stage, entry.Holder, now - entry.Since);
            // A queued prompt that waits for room (the learner is behind, or no more are needed) is not stuck, nor is a
            // buffered one while the learner waits for a due group (that group's own lease bounds the wait).
            if ((stage == PromptStage.Queued && !HasRoom) || (stage == PromptStage.Buffered && _waitingForDue))
            {
                entry.LeaseEnds = now + _leases.For(stage);
                continue;
            }
            var stalled = stage is PromptStage.Queued or PromptStage.Buffered or PromptStage.InTraining;
            if (stalled) entry.LeaseEnds = now + _leases.For(stage);
            else Fail(entry, $"{(stage == PromptStage.Generating ? "generation" : "verification")} lease of {_leases.For(stage).TotalSeconds:0.#} s expired", now);
            expired.Add(new LeaseExpired(entry.Prompt.Id, entry.Position, stage, holder, held, stalled, entry.Stage == PromptStage.Quarantined));
        }
        return expired;
    }

    /// <summary>When the next lease runs out (null: nothing is live).</summary>
    public TimeSpan? NextLeaseEnd => _live.Count == 0 ? null : _live.Values.Min(e => e.LeaseEnds);

    // ---- what a checkpoint records, and what the ending line says ------------------------------------------------

    /// <summary>The resume point: the next fresh prompt, every drawn prompt not consumed, quarantined or in training
    /// (queued ones first, in queue order, then by when they were drawn), and the quarantine list.</summary>
    public PromptPosition Position() => new(
        Cursor,
        _queue.Select(e => e.Position)
            .Concat(_live.Values.Where(e => e.Stage is PromptStage.Generating or PromptStage.Verifying or PromptStage.Buffered)
                .OrderBy(e => e.Drawn).Select(e => e.Position))
            .ToList(),
        GroupsTaken,
        _quarantined.ToList());

    /// <summary>Every drawn prompt not yet consumed, with its stage and lease end (null for quarantined ones).</summary>
    public IEnumerable<(string Position, PromptStage Stage, TimeSpan? LeaseEnds)> Entries =>
        _live.Values.Select(e => (e.Position, e.Stage, (TimeSpan?)e.LeaseEnds))
            .Concat(_quarantined.Select(q => (q.Position, PromptStage.Quarantined, (TimeSpan?)null)));

    /// <summary>Count and oldest age of each live stage that holds a prompt, in lifecycle order.</summary>
    public IReadOnlyList<StageCensus> Census(TimeSpan now) => _live.Values
        .GroupBy(e => e.Stage)
        .OrderBy(g => g.Key)
        .Select(g => new StageCensus(g.Key, g.Count(), now - g.Min(e => e.Since)))
        .ToList();

    // ---- moves ---------------------------------------------------------------------------------------------------

    private void Move(Entry entry, PromptStage stage, TimeSpan now)
    {
        entry.Stage = stage;
        entry.Since = now;
        entry.LeaseEnds = now + _leases.For(stage);
    }

    private void Queue(Entry entry, TimeSpan now)
    {
        if (entry.GroupId is { } attempt) _byAttempt.Remove(attempt);
        entry.GroupId = null;
        entry.Holder = null;
        Move(entry, PromptStage.Queued, now);
        _queue.AddLast(entry);
    }

    private void Requeue(Entry entry, TimeSpan now)
    {
        Requeued++;
        Queue(entry, now);
    }

    private void Fail(Entry entry, string why, TimeSpan now)
    {
        FailedAttempts++;
        entry.Failures++;
        entry.LastFailure = why;
        if (entry.Failures < _leases.MaxGenerationFailures)
        {
            Requeue(entry, now);
            return;
        }
        _byAttempt.Remove(entry.GroupId!);
        _live.Remove(entry.Position);
        entry.Stage = PromptStage.Quarantined;
        _quarantined.Add(new QuarantinedPrompt(entry.Prompt.Id, entry.Position, entry.Failures, why));
    }

    private void Consume(Entry entry)
    {
        _byAttempt.Remove(entry.GroupId!);
        _live.Remove(entry.Position);
        entry.Stage = PromptStage.Consumed;
    }
}

/// <summary>What <see cref="PromptBook.Generated"/> made of a group a generator handed in.</summary>
public enum GroupArrival
{
    /// <summary>Its attempt is now verifying.</summary>
    Accepted,
    /// <summary>Not a current attempt (given back after a reset or an expired lease, or already handed in): ignored.</summary>
    NotCurrent,
    /// <summary>Handed in by another generator than the one its attempt was issued to: refused.</summary>
    FromAnotherHolder,
    /// <summary>Malformed: its attempt failed, and the prompt goes out again (or is quarantined).</summary>
    Malformed,
}

using Akka.Actor;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline.Lifecycle;
using ActorRL.Tasks;

namespace ActorRL.Engine.Pipeline;

// The pipeline's messages. All immutable; tensors never travel (weights travel as PolicySnapshot, see below).

/// <summary>A prompt handed to a generator, with the id of this generation attempt.</summary>
public sealed record WorkItem(string GroupId, TaskPrompt Prompt);

/// <summary>Generator → coordinator: "I can start up to N prompts."</summary>
public sealed record RequestWork(int MaxPrompts);

/// <summary>Coordinator → generator: start these now, at learner version <paramref name="Version"/>.</summary>
public sealed record WorkAssigned(IReadOnlyList<WorkItem> Items, long Version);

/// <summary>Generator → coordinator: a finished, unscored group.</summary>
public sealed record GroupGenerated(RolloutGroup Group, long TokensGenerated, TimeSpan Busy);

/// <summary>Coordinator → verifier: score this group.</summary>
public sealed record VerifyGroup(RolloutGroup Group);

/// <summary>Verifier → coordinator: the group with rewards; failures counts per kind (timeout, exception).</summary>
public sealed record GroupScored(RolloutGroup Group, IReadOnlyDictionary<string, int> VerifierFailures, TimeSpan Busy);

/// <summary>Generator → coordinator, on restart: forget my work in progress; its prompts must be regenerated.</summary>
public sealed record GeneratorReset(IActorRef Generator, string Reason);

/// <summary>Learner → coordinator: send me <paramref name="Groups"/> admissible groups for <paramref name="LearnerVersion"/>.</summary>
public sealed record RequestBatch(long LearnerVersion, int Groups) : ILocalOnly;

/// <summary>Coordinator → learner: the batch, and where the prompt stream stood when it was served.</summary>
public sealed record BatchReady(IReadOnlyList<RolloutGroup> Groups, PromptPosition Position) : ILocalOnly;

/// <summary>
/// Where the prompt stream stands: the next fresh prompt, and the positions of prompts drawn but not yet consumed
/// (generating, verifying, buffered or waiting to be generated again). A checkpoint records this so a resume
/// regenerates exactly those and then goes on from <see cref="Cursor"/>: no prompt skipped, none trained twice.
/// <see cref="Quarantined"/> prompts are never handed out again, after a resume either (see <see cref="PromptBook"/>).
/// </summary>
public sealed record PromptPosition(string Cursor, IReadOnlyList<string> Outstanding, long GroupsConsumed,
    IReadOnlyList<QuarantinedPrompt>? Quarantined = null);

/// <summary>
/// Learner → coordinator: start handing out prompts, at learner version <paramref name="Version"/>, from
/// <paramref name="Position"/> (regenerating its outstanding prompts first). Nothing is generated before this.
/// </summary>
public sealed record StartGenerating(long Version, PromptPosition Position) : ILocalOnly;

/// <summary>Learner → everyone (event stream): new policy weights. Generators adopt them between decoding steps.</summary>
public sealed record WeightsPublished(long Version, PolicySnapshot? Weights) : ILocalOnly;

/// <summary>Any actor → event stream: "I made progress" (the watchdog listens).</summary>
public sealed record Progress(string Actor, string What);

/// <summary>Ask the coordinator for its counters (live view, tests).</summary>
public sealed record GetCoordinatorStats : ILocalOnly
{
    public static readonly GetCoordinatorStats Instance = new();
}

/// <param name="GroupsByNode">Groups consumed by the learner per node that generated them ("local", or a
/// generator node's address).</param>
/// <param name="GenerationFailures">Generation attempts that failed: generator lost, or a generation or verification lease expired.</param>
/// <param name="Quarantined">Prompts given up on after repeated failed attempts.</param>
/// <param name="Stages">How many prompts each live stage holds now, and for how long the oldest has been there.</param>
/// <param name="LearnerWaiting">The learner asked for a batch that is not served yet.</param>
/// <param name="Generators">Generators alive that have asked for work, on this node or generator nodes.</param>
public sealed record CoordinatorStats(
    long LearnerVersion,
    int InFlight,
    int Buffered,
    int Capacity,
    long GroupsScored,
    long GroupsConsumed,
    long DroppedStale,
    long DroppedUniform,
    long GenerationFailures,
    long PromptsRequeued,
    IReadOnlyDictionary<string, long> VerifierFailures,
    long TokensGenerated,
    int MaxObservedStaleness,
    int PendingGeneratorRequests,
    string PromptCursor,
    double GeneratorBusySeconds = 0,
    IReadOnlyDictionary<string, long>? GroupsByNode = null,
    IReadOnlyList<QuarantinedPrompt>? Quarantined = null,
    IReadOnlyList<StageCensus>? Stages = null,
    bool LearnerWaiting = false,
    long LearnerWaitsForDueGroup = 0,
    long GroupsRefusedFromOtherHolder = 0,
    long GroupsRefusedMalformed = 0,
    int Generators = 0);

/// <summary>
/// Coordinator or watchdog → run supervisor: the pipeline cannot go on (a stage stopped moving); ends the run with
/// <see cref="Reason"/> as its one line.
/// </summary>
public sealed record PipelineStalled(string Reason) : ILocalOnly;

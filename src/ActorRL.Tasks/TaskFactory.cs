using ActorRL.Tasks.Arithmetic;
using ActorRL.Tasks.Countdown;
using ActorRL.Tasks.Jsonl;
using ActorRL.Tasks.Rewards;

namespace ActorRL.Tasks;

/// <summary>Builds the configured task. JSONL datasets are read here; their problems are <see cref="TaskDataException"/>s.</summary>
public static class TaskFactory
{
    /// <param name="seed">The run's seed (<c>actorrl.run.seed</c>): it fixes the eval split and every prompt position.</param>
    public static IVerifiableTask Create(TaskSettings task, VerifierSettings verifier, long seed) => task.Name switch
    {
        TaskName.Arithmetic => new ArithmeticTask(task.Arithmetic, task.EvalSize, seed),
        TaskName.Countdown => new CountdownTask(task.Countdown, task.EvalSize, seed),
        TaskName.Jsonl => JsonlTask.Load(task.Jsonl, task.EvalSize, seed, verifier.Tolerance),
        _ => throw new ArgumentOutOfRangeException(nameof(task), task.Name, "unknown task"),
    };
}

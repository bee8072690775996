using System.Diagnostics;
using Akka.Actor;
using Akka.Event;

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// Scores groups with the task's reward function. Runs on its own dispatcher (verifiers may burn CPU or wait on
/// a time-out); the reward function isolates each call, so a verifier that throws or hangs scores 0 and is
/// counted, and this actor keeps going. Should the reward function itself throw, every response of the group
/// scores 0 and is counted as an exception: a group is never lost here (and one lost anyway, with a restarted
/// routee, comes back when its verification lease ends).
/// </summary>
public sealed class VerifierActor : ReceiveActor
{
    public const string ExceptionKind = "exception";

    private readonly ILoggingAdapter _log = Context.GetLogger();

    public VerifierActor(IRewardFunction rewards)
    {
        Receive<VerifyGroup>(v =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var (scored, failures) = rewards.Score(v.Group);
                Sender.Tell(new GroupScored(scored, failures, clock.Elapsed));
            }
            catch (Exception e)
            {
                _log.Warning("Scoring group {GroupId} threw ({Error}); its {Count} responses score 0", v.Group.GroupId, e.Message, v.Group.Rollouts.Count);
                var zero = v.Group with { Rollouts = v.Group.Rollouts.Select(r => r with { Reward = 0, RewardParts = null, VerifierOutcome = ExceptionKind }).ToList() };
                Sender.Tell(new GroupScored(zero, new Dictionary<string, int> { [ExceptionKind] = v.Group.Rollouts.Count }, clock.Elapsed));
            }
        });
    }
}

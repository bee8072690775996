using System.Diagnostics;
using Akka.Actor;

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// Scores groups with the task's reward function. Runs on its own dispatcher (verifiers may burn CPU or wait on
/// a time-out); the reward function isolates each call, so a verifier that throws or hangs scores 0 and is
/// counted, and this actor keeps going.
/// </summary>
public sealed class VerifierActor : ReceiveActor
{
    public VerifierActor(IRewardFunction rewards)
    {
        Receive<VerifyGroup>(v =>
        {
            var clock = Stopwatch.StartNew();
            var (scored, failures) = rewards.Score(v.Group);
            Sender.Tell(new GroupScored(scored, failures, clock.Elapsed));
        });
    }
}

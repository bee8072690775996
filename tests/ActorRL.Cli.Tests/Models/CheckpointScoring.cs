using ActorRL.Model.Checkpoints;
using ActorRL.Model.HuggingFace;
using ActorRL.Model.Policies;
using static TorchSharp.torch;

namespace ActorRL.Cli.Tests.Models;

/// <summary>
/// What a committed checkpoint's policy says of <c>ids</c>, computed without export: the model folder the run started
/// from, the checkpoint's weights loaded into it, scored by the learner's path. An export must agree bit for bit.
/// </summary>
internal static class CheckpointScoring
{
    public static double[] Score(string modelFolder, string checkpoint, IReadOnlyList<int> ids)
    {
        using var policy = HuggingFaceLoader.LoadPolicy(modelFolder, ids.Count);
        Checkpoint.Load(checkpoint, policy);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return policy.Score([new ScoringSequence([ids[0]], ids.Skip(1).ToList())], new ScoreOptions(ComputeEntropy: false))
            .LogProbs.to(ScalarType.Float64).data<double>().ToArray();
    }
}

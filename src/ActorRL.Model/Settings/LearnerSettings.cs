using ActorRL.Core.Configuration;
using ActorRL.Model.Training;

namespace ActorRL.Model.Settings;

/// <summary><c>actorrl.learner</c>: where the learner computes and how its AdamW optimizer steps.</summary>
/// <param name="Device">"auto | cpu | cuda | cuda:N" (resolve with <see cref="DeviceSelection.Resolve"/>).</param>
/// <param name="LearningRate">Peak learning rate.</param>
/// <param name="WeightDecay">Decoupled weight decay of AdamW (matrices only).</param>
/// <param name="Beta1">AdamW β₁.</param>
/// <param name="Beta2">AdamW β₂.</param>
/// <param name="Epsilon">AdamW ε.</param>
/// <param name="GradientClip">Global gradient-norm clip; 0 disables.</param>
/// <param name="WarmupSteps">Linear warm-up length in optimizer updates.</param>
/// <param name="Schedule">Decay after warm-up.</param>
/// <param name="MinLearningRateRatio">Floor of linear/cosine decay as a fraction of the peak.</param>
/// <param name="DecaySteps">Update at which decay reaches the floor; null = the stage's total number of updates.</param>
/// <param name="MicroBatchTokens">Most padded tokens (rows × longest prompt + response) scored at once within one
/// optimizer update, whose gradients then accumulate exactly; null = each update is scored whole.</param>
public sealed record LearnerSettings(
    string Device,
    double LearningRate,
    double WeightDecay,
    double Beta1,
    double Beta2,
    double Epsilon,
    double GradientClip,
    int WarmupSteps,
    LearningRateDecay Schedule,
    double MinLearningRateRatio,
    long? DecaySteps,
    int? MicroBatchTokens = null)
{
    public static LearnerSettings FromConfig(SettingsReader r)
    {
        var device = r.GetString("device");
        if (!DeviceSelection.IsValid(device)) throw r.Fail("device", $"must be one of {DeviceSelection.Allowed}, got '{device}'");
        var betas = r.GetDoubleList("betas");
        if (betas.Count != 2 || betas.Any(b => !(b >= 0 && b < 1)))
            throw r.Fail("betas", $"must be two numbers in [0, 1) ([beta1, beta2]), got [{string.Join(", ", betas)}]");
        var schedule = r.GetEnum("lr-schedule", "constant", "linear", "cosine") switch
        {
            "linear" => LearningRateDecay.Linear,
            "cosine" => LearningRateDecay.Cosine,
            _ => LearningRateDecay.Constant,
        };
        var decaySteps = r.IsSet("decay-steps") ? r.GetLong("decay-steps", 1) : (long?)null;
        return new LearnerSettings(
            device,
            r.GetDouble("lr", 0, 10),
            r.GetDouble("weight-decay", 0, 10),
            betas[0],
            betas[1],
            r.GetDouble("eps", double.Epsilon, 1),
            r.GetDouble("grad-clip", 0),
            r.GetInt("warmup-steps", 0),
            schedule,
            r.GetDouble("min-lr-ratio", 0, 1),
            decaySteps,
            r.GetIntOrNull("micro-batch-tokens", 1));
    }

    /// <summary>The learning-rate schedule of a stage that runs <paramref name="stageSteps"/> updates.</summary>
    public LearningRateSchedule ScheduleFor(long stageSteps) =>
        new(LearningRate, WarmupSteps, Schedule, DecaySteps ?? stageSteps, MinLearningRateRatio);

    public AdamW CreateOptimizer(IReadOnlyList<(string Name, TorchSharp.Modules.Parameter Parameter)> parameters) =>
        new(parameters, Beta1, Beta2, Epsilon, WeightDecay);
}

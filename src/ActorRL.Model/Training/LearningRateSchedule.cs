namespace ActorRL.Model.Training;

public enum LearningRateDecay
{
    Constant,
    Linear,
    Cosine,
}

/// <summary>
/// Linear warm-up over <paramref name="WarmupSteps"/> updates to <paramref name="PeakLearningRate"/>, then constant,
/// linear or cosine decay to <paramref name="MinRatio"/> · peak at update <paramref name="TotalSteps"/>.
/// </summary>
public sealed record LearningRateSchedule(double PeakLearningRate, int WarmupSteps, LearningRateDecay Decay, long TotalSteps, double MinRatio)
{
    /// <summary>Learning rate for the update with 0-based index <paramref name="step"/>.</summary>
    public double At(long step)
    {
        if (step < WarmupSteps) return PeakLearningRate * (step + 1) / WarmupSteps;
        if (Decay == LearningRateDecay.Constant) return PeakLearningRate;
        var span = Math.Max(1, TotalSteps - WarmupSteps);
        var progress = Math.Clamp((double)(step - WarmupSteps) / span, 0, 1);
        var factor = Decay == LearningRateDecay.Linear
            ? 1 - progress
            : 0.5 * (1 + Math.Cos(Math.PI * progress));
        return PeakLearningRate * (MinRatio + (1 - MinRatio) * factor);
    }
}

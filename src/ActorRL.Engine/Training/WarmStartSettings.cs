using ActorRL.Core.Configuration;

namespace ActorRL.Engine.Training;

/// <summary><c>actorrl.warm-start</c>: the supervised stage on the task's demonstrations.</summary>
public sealed record WarmStartSettings(int Steps, int BatchSize, double LearningRate)
{
    public static WarmStartSettings FromConfig(SettingsReader r)
    {
        var lr = r.GetDouble("lr", 0, 10);
        if (lr <= 0) throw r.Fail("lr", $"must be > 0, got {lr}");
        return new WarmStartSettings(r.GetInt("steps", 0, 10_000_000), r.GetInt("batch-size", 1, 1_000_000), lr);
    }
}

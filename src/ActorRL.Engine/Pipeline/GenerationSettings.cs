using ActorRL.Core.Configuration;
using ActorRL.Model.Policies.Batching;

namespace ActorRL.Engine.Pipeline;

/// <summary>How a generator fills its decode batch (<c>actorrl.generation.batching</c>).</summary>
public enum Batching
{
    /// <summary>Prompts join the running batch as sequences finish (vLLM-style continuous batching).</summary>
    Continuous,
    /// <summary>A batch of prompts-per-generation prompts decodes until its last response ends, then the next starts.</summary>
    Static,
}

/// <summary>A generator's decode batch: sequences at once and KV token slots.</summary>
public sealed record BatchLimits(int MaxSequences, int KvBudgetTokens);

/// <summary><c>actorrl.generation</c>: how generators sample responses.</summary>
/// <param name="MaxBatchSequences">Sequences a generator decodes at once; null = prompts-per-generation × group-size.</param>
/// <param name="KvBudgetTokens">KV token slots per generator; null = no bound beyond the sequences' own lengths.</param>
public sealed record GenerationSettings(double Temperature, double TopP, int MaxNewTokens, IReadOnlyList<string> StopStrings,
    int TopK = 0, double MinP = 0, Batching Batching = Batching.Continuous, int? MaxBatchSequences = null, int? KvBudgetTokens = null,
    WeightUpdateMode OnWeightUpdate = WeightUpdateMode.KeepCache)
{
    /// <summary>The lowest non-zero sampling temperature a configuration may ask for.</summary>
    public const double MinTemperature = 1e-3;

    public static GenerationSettings FromConfig(SettingsReader r)
    {
        var settings = new GenerationSettings(
            r.GetDouble("temperature", 0, 100),
            r.GetDouble("top-p", 0, 1),
            r.GetInt("max-new-tokens", 1, 1_000_000),
            r.GetStringList("stop"),
            r.GetInt("top-k", 0),
            r.GetDouble("min-p", 0, 1),
            r.GetEnum<Batching>("batching"),
            r.GetIntOrNull("max-batch-sequences", 1, 1_000_000),
            r.GetIntOrNull("kv-budget-tokens", 1, 1_000_000_000),
            r.GetEnum<WeightUpdateMode>("on-weight-update"));
        if (settings.TopP <= 0) throw r.Fail("top-p", "must lie in (0, 1]");
        // Below this, logits / temperature overflow float32's exponent for ordinary logit gaps: sampling would be greedy
        // in all but name, or NaN. 0 is the explicit way to ask for greedy.
        if (settings.Temperature > 0 && settings.Temperature < MinTemperature)
            throw r.Fail("temperature", $"must be 0 (greedy) or at least {MinTemperature}, got {settings.Temperature}");
        if (settings.MinP >= 1) throw r.Fail("min-p", "must lie in [0, 1) (0 = off)");
        if (settings.StopStrings.Any(string.IsNullOrEmpty)) throw r.Fail("stop", "may not hold an empty string");
        return settings;
    }

    /// <summary>The decode batch of a generator sampling <paramref name="groupSize"/> responses per prompt.</summary>
    public BatchLimits Batch(int groupSize, int promptsPerGeneration, int maxSequenceLength)
    {
        var sequences = MaxBatchSequences ?? promptsPerGeneration * groupSize;
        // Unbounded in effect: no row is longer than the model's longest sequence.
        var budget = KvBudgetTokens ?? ContinuousBatchOptions.UnboundedBudget(sequences, maxSequenceLength);
        return new BatchLimits(sequences, budget);
    }
}

using ActorRL.Core.Configuration;

namespace ActorRL.Model.Settings;

/// <summary>
/// <c>actorrl.model.lora</c>: low-rank adapters (Hu et al. 2021, "LoRA", arXiv 2106.09685) on a pretrained model's
/// projections. Each target W gets W x + (alpha / rank) · B A dropout(x), with A [rank, in] and B [out, rank]; B starts
/// at zero, so training starts from the base model exactly. Only A and B train; the base is frozen.
/// </summary>
public sealed record LoraSettings(int Rank, double Alpha, double Dropout, IReadOnlyList<string> Targets)
{
    /// <summary>The projections of a Qwen2 / Qwen3 / Llama decoder block an adapter may target (Hugging Face's names).</summary>
    public static readonly IReadOnlyList<string> DecoderProjections = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    /// <summary>alpha / rank, the adapters' output scale.</summary>
    public double Scale => Alpha / Rank;

    /// <summary>The section's settings, or null when rank is null (no adapters: full fine-tuning).</summary>
    public static LoraSettings? FromConfig(SettingsReader r, string architecture, bool pretrained)
    {
        // Read even when adapters are off, so a bad value is refused now rather than when someone sets rank.
        var alpha = r.GetDoubleAbove("alpha", 0);
        var dropout = r.GetDouble("dropout", 0, 0.999);
        if (!r.IsSet("rank")) return null;
        var rank = r.GetInt("rank");
        if (rank <= 0) throw r.Fail("rank", $"must be a whole number ≥ 1 (or null for no adapters), got {rank}");
        if (!pretrained)
            throw r.Fail("rank", $"adapters need a pretrained base model (architecture = qwen2 | qwen3 | llama), but architecture = {architecture}; set rank = null");
        var targets = r.GetStringList("targets");
        if (targets.Count == 0) throw r.Fail("targets", $"must name at least one projection of {string.Join(", ", DecoderProjections)}");
        var unknown = targets.Where(t => !DecoderProjections.Contains(t)).ToList();
        if (unknown.Count > 0)
            throw r.Fail("targets", $"names {string.Join(", ", unknown.Select(u => $"'{u}'"))}, which the {architecture} decoder does not have; allowed: {string.Join(", ", DecoderProjections)}");
        if (targets.Distinct().Count() != targets.Count) throw r.Fail("targets", "names a projection twice");
        return new LoraSettings(rank, alpha, dropout, targets);
    }
}

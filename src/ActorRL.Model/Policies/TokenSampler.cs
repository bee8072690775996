using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ActorRL.Model.Policies;

/// <summary>How a next token is chosen from the logits.</summary>
/// <param name="Temperature">Logits are divided by this; 0 = greedy (arg-max).</param>
/// <param name="TopP">Nucleus: keep the most likely tokens until their mass reaches this, in (0, 1]; 1 = off.</param>
/// <param name="TopK">Keep only the k most likely tokens, ≥ 1; 0 = off.</param>
/// <param name="MinP">Keep only tokens at least this fraction as likely as the most likely one, in [0, 1); 0 = off.</param>
public sealed record SamplingFilters(double Temperature = 1.0, double TopP = 1.0, int TopK = 0, double MinP = 0.0)
{
    /// <summary>Whether any filter truncates the distribution (then tokens are drawn from a renormalised subset).</summary>
    public bool Truncates => TopP < 1 || TopK > 0 || MinP > 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the offending field.</summary>
    public void Validate()
    {
        if (!(Temperature >= 0) || double.IsInfinity(Temperature))
            throw new ArgumentException($"temperature must be a finite number ≥ 0 (0 = greedy), got {Temperature}", nameof(Temperature));
        if (!(TopP > 0 && TopP <= 1))
            throw new ArgumentException($"top-p must lie in (0, 1], got {TopP}", nameof(TopP));
        if (TopK < 0)
            throw new ArgumentException($"top-k must be ≥ 0 (0 = off), got {TopK}", nameof(TopK));
        if (!(MinP >= 0 && MinP < 1))
            throw new ArgumentException($"min-p must lie in [0, 1), got {MinP}", nameof(MinP));
    }
}

/// <summary>
/// Draws one token per row from next-token logits by inverting the (filtered) distribution's CDF at a uniform the
/// caller supplies per row (<see cref="SamplingStream"/>), so a row's draw depends on its own logits and its own
/// uniform only. Returns, per row, [token, log-prob, sampler log-prob, entropy] as doubles in one device→host copy:
/// the log-prob and entropy are those of the temperature-scaled, untruncated distribution (what the learner scores);
/// the sampler log-prob is that of the truncated, renormalised distribution the token was really drawn from.
/// </summary>
public static class TokenSampler
{
    public static double[] Draw(Tensor logits, ReadOnlySpan<double> uniforms, SamplingFilters filters, int tokenizerVocabulary)
    {
        var rows = logits.shape[0];
        if (uniforms.Length != rows) throw new ArgumentException($"{uniforms.Length} uniforms for {rows} rows", nameof(uniforms));
        logits = CausalLmPolicy.ForSoftmax(logits, tokenizerVocabulary);
        var temperature = filters.Temperature;
        var logProbs = F.log_softmax(temperature is 0 or 1 ? logits : logits / temperature, -1);
        var probabilities = logProbs.exp();
        Tensor token, samplerLogProb;
        if (temperature == 0)
        {
            token = logits.argmax(-1, keepdim: true);
            samplerLogProb = zeros_like(token, logProbs.dtype);
        }
        else
        {
            var u = tensor(uniforms.ToArray(), [rows, 1], ScalarType.Float64, logits.device);
            if (filters.Truncates)
            {
                var (sorted, order) = probabilities.sort(-1, descending: true);
                var kept = Filter(sorted, filters);
                var (pick, mass) = InvertCdf(kept, u);
                token = order.gather(-1, pick);
                samplerLogProb = (kept.gather(-1, pick) / mass).log();
            }
            else
            {
                (token, _) = InvertCdf(probabilities, u);
                samplerLogProb = logProbs.gather(-1, token);
            }
        }
        var tokenLogProb = logProbs.gather(-1, token);
        var entropy = -(probabilities * logProbs).sum(-1, keepdim: true);
        var packed = cat([token.to(ScalarType.Float64), tokenLogProb.to(ScalarType.Float64),
                          samplerLogProb.to(ScalarType.Float64), entropy.to(ScalarType.Float64)], -1);
        return packed.cpu().data<double>().ToArray();
    }

    /// <summary>Zeroes the sorted (descending) probabilities each filter removes; the most likely token always stays.</summary>
    private static Tensor Filter(Tensor sorted, SamplingFilters filters)
    {
        var drop = zeros_like(sorted, ScalarType.Bool);
        if (filters.TopP < 1) drop |= (sorted.cumsum(-1) - sorted) >= filters.TopP;
        if (filters.TopK > 0 && filters.TopK < sorted.shape[^1])
            drop |= arange(sorted.shape[^1], device: sorted.device).unsqueeze(0) >= filters.TopK;
        if (filters.MinP > 0) drop |= sorted < sorted.narrow(-1, 0, 1) * filters.MinP;
        return sorted.masked_fill(drop, 0.0);
    }

    /// <summary>
    /// Per row, the first index whose cumulative mass exceeds u × total mass (always one with positive mass, as u &lt; 1),
    /// and the row's total mass. Summed in float64 so the CDF of a 150k-token vocabulary stays exact enough.
    /// </summary>
    private static (Tensor Index, Tensor Mass) InvertCdf(Tensor probabilities, Tensor uniforms)
    {
        var cdf = probabilities.to(ScalarType.Float64).cumsum(-1);
        var mass = cdf.narrow(-1, cdf.shape[^1] - 1, 1);
        var below = (cdf <= uniforms * mass).sum(-1, keepdim: true);
        var index = below.clamp_max(cdf.shape[^1] - 1);
        return (index, mass.to(probabilities.dtype));
    }
}

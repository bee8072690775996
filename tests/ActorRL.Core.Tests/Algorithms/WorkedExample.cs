using ActorRL.Core.Algorithms;
using ActorRL.Core.Configuration;
using ActorRL.Core.LossCheck;

namespace ActorRL.Core.Tests.Algorithms;

/// <summary>The worked example of docs/algorithms.md §Worked example: one group of two responses, rewards 1 and 0.</summary>
internal static class WorkedExample
{
    public static readonly string[] Tokens1 = { "We", " add", ",", " get", " 4" };
    public static readonly string[] Tokens2 = { "It", " is", " 5", "." };
    public static readonly double[] Behaviour1 = { -1.20, -0.50, -0.10, -2.30, -0.70 };
    public static readonly double[] New1 = { -1.00, -0.45, -0.10, -1.90, -0.75 };
    public static readonly double[] Behaviour2 = { -0.30, -1.00, -2.00, -0.40 };
    public static readonly double[] New2 = { -0.40, -1.30, -1.80, -0.40 };
    public static readonly double[] Entropies1 = { 0.9, 0.4, 0.1, 1.8, 0.6 };
    public static readonly double[] Entropies2 = { 0.5, 1.2, 2.0, 0.2 };

    public const double Advantage = 0.707106;
    public const double S1 = 1.127497;
    public const double S2 = 0.951229;

    public static IReadOnlyList<LossCheckResponse> Responses(bool withEntropies = false) => new[]
    {
        new LossCheckResponse(7, 1, Tokens1, Behaviour1, New1, withEntropies ? Entropies1 : null),
        new LossCheckResponse(7, 0, Tokens2, Behaviour2, New2, withEntropies ? Entropies2 : null),
    };

    /// <summary>Settings from HOCON written inside <c>actorrl.algorithm { … }</c>, on top of reference.conf.</summary>
    public static AlgorithmSettings Settings(string algorithmHocon) =>
        AlgorithmSettings.FromConfig(SettingsReader.FromReference($"actorrl.algorithm {{ {algorithmHocon} }}", "actorrl.algorithm"));

    public static LossCheckResult Run(string algorithmHocon, bool withEntropies = false) =>
        LossCheckEvaluator.Evaluate(Settings(algorithmHocon), Responses(withEntropies));
}

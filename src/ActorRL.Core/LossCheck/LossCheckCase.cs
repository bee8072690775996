using ActorRL.Core.Algorithms;

namespace ActorRL.Core.LossCheck;

/// <summary>One response of a <c>loss-check</c> line. Arrays have one entry per token; optional arrays may be null.</summary>
public sealed record LossCheckResponse(
    long Group,
    double Reward,
    IReadOnlyList<string> Tokens,
    double[] OldLogprobs,
    double[] NewLogprobs,
    double[]? Entropies = null,
    double[]? ProximalLogprobs = null,
    double[]? ReferenceLogprobs = null);

/// <summary>One parsed <c>loss-check</c> input line.</summary>
public sealed record LossCheckCase(string Id, AlgorithmSettings Algorithm, IReadOnlyList<LossCheckResponse> Responses);

/// <summary>
/// What <c>loss-check</c> reports for a line: the loss, each response's advantage, dL/d new_logprobs per token,
/// and the fraction of tokens whose ratio was clipped (low + high; dual clip is in <see cref="Metrics"/>).
/// </summary>
public sealed record LossCheckResult(
    double Loss,
    double[] Advantages,
    double[][] GradNewLogprobs,
    double ClipFraction,
    int SingletonGroups,
    PolicyLossMetrics Metrics);

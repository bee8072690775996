using ActorRL.Core.Algorithms;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorRL.Core.Tests.Algorithms;

/// <summary>Runs <see cref="PolicyLoss"/> on ragged float64 inputs with given advantages.</summary>
internal sealed record LossInputs(double[][] NewLogp, double[][] Behaviour, double[] Advantages)
{
    public double[][]? Proximal { get; init; }
    public double[][]? Reference { get; init; }
    public double[][]? Entropies { get; init; }
    public string[][]? Tokens { get; init; }

    public int B => NewLogp.Length;
    public int T => NewLogp.Max(r => r.Length);

    public Tensor Padded(double[][] rows, ScalarType dtype = ScalarType.Float64, double fill = 0)
    {
        var data = Enumerable.Repeat(fill, B * T).ToArray();
        for (var i = 0; i < B; i++) rows[i].CopyTo(data, i * T);
        return tensor(data, new long[] { B, T }, ScalarType.Float64).to_type(dtype);
    }

    public Tensor Mask()
    {
        var data = new bool[B * T];
        for (var i = 0; i < B; i++) Array.Fill(data, true, i * T, NewLogp[i].Length);
        return tensor(data, new long[] { B, T });
    }

    public PolicyBatch Batch(Tensor newLogp, ScalarType dtype = ScalarType.Float64, double fill = 0) =>
        new(newLogp, Padded(Behaviour, dtype, fill), Mask(), tensor(Advantages, ScalarType.Float64).to_type(dtype))
        {
            ProximalLogProbs = Proximal is null ? null : Padded(Proximal, dtype, fill),
            ReferenceLogProbs = Reference is null ? null : Padded(Reference, dtype, fill),
            Entropies = Entropies is null ? null : Padded(Entropies, dtype, fill),
            TokenTexts = Tokens,
        };
}

internal sealed record LossOutputs(double Loss, double[][] Gradients, PolicyLossMetrics Metrics);

internal static class LossHarness
{
    public static LossOutputs Run(AlgorithmSettings settings, LossInputs inputs, ScalarType dtype = ScalarType.Float64, double fill = 0)
    {
        using var scope = NewDisposeScope();
        var newLogp = inputs.Padded(inputs.NewLogp, dtype, fill).requires_grad_(true);
        var result = new PolicyLoss(settings).Compute(inputs.Batch(newLogp, dtype, fill));
        result.Loss.backward();
        var grad = newLogp.grad!.to_type(ScalarType.Float64).data<double>().ToArray();
        var t = inputs.T;
        return new LossOutputs(
            result.Loss.to_type(ScalarType.Float64).item<double>(),
            inputs.NewLogp.Select((r, i) => grad[(i * t)..(i * t + r.Length)]).ToArray(),
            result.Metrics);
    }

    /// <summary>The loss alone, without building a graph (for finite differences).</summary>
    public static double Loss(AlgorithmSettings settings, LossInputs inputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return new PolicyLoss(settings).Compute(inputs.Batch(inputs.Padded(inputs.NewLogp))).Loss.item<double>();
    }
}

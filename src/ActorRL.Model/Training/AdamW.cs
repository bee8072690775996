using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorRL.Model.Training;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter 2019) with decoupled weight decay, step for step the arithmetic of PyTorch's
/// single-tensor implementation. Written here rather than taken from TorchSharp so the state (moments and step)
/// is plain named tensors we can put in a safetensors checkpoint and restore bit for bit.
/// Weight decay applies to matrices (dim ≥ 2: embeddings and projections), not to norm gains or biases.
/// <para>
/// Mixed precision: a bfloat16 or float16 parameter gets a float32 master copy, float32 moments and a float32 gradient
/// accumulator. The step runs on the master and the parameter becomes its rounded copy, so updates far below the
/// half-precision spacing (bf16 has 8 significant bits: 1 + 1e-6 rounds to 1) add up instead of being lost. Weights
/// must then be loaded through <see cref="Checkpoints.Checkpoint.Load"/> with this optimizer (or
/// <see cref="RestoreMasters"/>): the next step would overwrite weights loaded into the parameters behind its back.
/// </para>
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly IReadOnlyList<(string Name, Parameter Parameter)> _parameters;
    private readonly Dictionary<string, (Tensor ExpAvg, Tensor ExpAvgSq)> _moments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Tensor Weights, Tensor Gradient)> _masters = new(StringComparer.Ordinal);

    public AdamW(IReadOnlyList<(string Name, Parameter Parameter)> parameters, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0.01)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"beta1 must lie in [0, 1), got {beta1}");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"beta2 must lie in [0, 1), got {beta2}");
        if (!(epsilon > 0)) throw new ArgumentException($"epsilon must be > 0, got {epsilon}");
        if (!(weightDecay >= 0)) throw new ArgumentException($"weight decay must be ≥ 0, got {weightDecay}");
        _parameters = parameters;
        (Beta1, Beta2, Epsilon, WeightDecay) = (beta1, beta2, epsilon, weightDecay);
        using var noGrad = no_grad();
        foreach (var (name, p) in parameters)
        {
            if (IsHalfPrecision(p.dtype))
                _masters[name] = (p.detach().to(ScalarType.Float32, copy: true).DetachFromDisposeScope(),
                    zeros(p.shape, ScalarType.Float32, p.device).DetachFromDisposeScope());
            var like = _masters.TryGetValue(name, out var master) ? master.Weights : p;
            _moments[name] = (zeros_like(like).DetachFromDisposeScope(), zeros_like(like).DetachFromDisposeScope());
        }
    }

    private static bool IsHalfPrecision(ScalarType dtype) => dtype is ScalarType.BFloat16 or ScalarType.Float16;

    /// <summary>The float32 master weights of the half-precision parameters (live tensors: read, do not keep).</summary>
    public IReadOnlyDictionary<string, Tensor> MasterWeights => _masters.ToDictionary(m => m.Key, m => m.Value.Weights, StringComparer.Ordinal);

    /// <summary>Sets the master weights from <paramref name="weights"/> (float32 for a lossless restore) and the parameters from them.</summary>
    public void RestoreMasters(IReadOnlyDictionary<string, Tensor> weights)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, p) in _parameters)
        {
            if (!_masters.TryGetValue(name, out var master)) continue;
            if (!weights.TryGetValue(name, out var source)) throw new ArgumentException($"weights lack '{name}', so its float32 master cannot be restored");
            master.Weights.copy_(source);
            p.copy_(master.Weights);
        }
    }

    /// <summary>
    /// Moves the half-precision parameters' gradients into their float32 accumulators (a no-op for float32 and
    /// float64 parameters, whose gradients accumulate in place). Call after every backward of a gradient-accumulating
    /// update, so micro-batches add up in float32; <see cref="ClipGradientNorm"/> and <see cref="Step"/> call it too.
    /// </summary>
    public void AccumulateGradients()
    {
        if (_masters.Count == 0) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, p) in _parameters)
        {
            if (p.grad is not { } grad || !_masters.TryGetValue(name, out var master)) continue;
            master.Gradient.add_(grad);
            grad.zero_();
        }
    }

    /// <summary>The gradient the step uses: the float32 accumulator of a half-precision parameter, else its own.</summary>
    private Tensor? Gradient(string name, Parameter p) => _masters.TryGetValue(name, out var master) ? master.Gradient : p.grad;

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }
    public double WeightDecay { get; }

    /// <summary>Updates taken so far (bias correction uses it; saved in checkpoints).</summary>
    public long StepCount { get; private set; }

    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (_, p) in _parameters) p.grad?.zero_();
        foreach (var (_, gradient) in _masters.Values) gradient.zero_();
    }

    /// <summary>
    /// Scales all gradients so their global L2 norm is at most <paramref name="maxNorm"/> (≤ 0 or infinity: no clipping).
    /// Returns the norm before clipping (a logged metric).
    /// </summary>
    public double ClipGradientNorm(double maxNorm)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        AccumulateGradients();
        var gradients = _parameters.Select(p => Gradient(p.Name, p.Parameter)).OfType<Tensor>().ToList();
        if (gradients.Count == 0) return 0;
        var total = stack(gradients.Select(g => g.norm().to(ScalarType.Float64))).norm().item<double>();
        if (maxNorm > 0 && !double.IsPositiveInfinity(maxNorm) && total > maxNorm)
        {
            var scale = maxNorm / (total + 1e-6);
            foreach (var g in gradients) g.mul_(scale);
        }
        return total;
    }

    /// <summary>One update of every parameter that has a gradient, at learning rate <paramref name="learningRate"/>.</summary>
    public void Step(double learningRate)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        AccumulateGradients();
        StepCount++;
        var biasCorrection1 = 1 - Math.Pow(Beta1, StepCount);
        var biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, StepCount));
        var stepSize = learningRate / biasCorrection1;
        foreach (var (name, p) in _parameters)
        {
            var grad = Gradient(name, p);
            if (grad is null) continue;
            var hasMaster = _masters.TryGetValue(name, out var master);
            var weights = hasMaster ? master.Weights : p;
            var (expAvg, expAvgSq) = _moments[name];
            if (WeightDecay > 0 && p.dim() >= 2) weights.mul_(1 - learningRate * WeightDecay);
            expAvg.lerp_(grad, 1 - Beta1);
            expAvgSq.mul_(Beta2).addcmul_(grad, grad, 1 - Beta2);
            var denominator = (expAvgSq.sqrt() / biasCorrection2Sqrt).add_(Epsilon);
            weights.addcdiv_(expAvg, denominator, -stepSize);
            if (hasMaster) p.copy_(weights);
        }
    }

    /// <summary>Copies of the moments as named CPU tensors ("exp_avg/NAME", "exp_avg_sq/NAME"), owned by the caller's scope.</summary>
    public Dictionary<string, Tensor> ExportState()
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, (expAvg, expAvgSq)) in _moments)
        {
            state[$"exp_avg/{name}"] = expAvg.to(CPU, copy: true);
            state[$"exp_avg_sq/{name}"] = expAvgSq.to(CPU, copy: true);
        }
        return state;
    }

    /// <summary>Restores moments exported by <see cref="ExportState"/> and the step count; every parameter must be present.</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> state, long stepCount)
    {
        if (stepCount < 0) throw new ArgumentException($"optimizer step count must be ≥ 0, got {stepCount}");
        foreach (var (name, (expAvg, expAvgSq)) in _moments)
        {
            Check($"exp_avg/{name}", expAvg);
            Check($"exp_avg_sq/{name}", expAvgSq);
        }
        var expected = _moments.Count * 2;
        if (state.Count != expected)
            throw new ArgumentException($"optimizer state has {state.Count} tensors; this optimizer has {expected} (exp_avg and exp_avg_sq of {_moments.Count} parameters)");
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            foreach (var (name, (expAvg, expAvgSq)) in _moments)
            {
                expAvg.copy_(state[$"exp_avg/{name}"]);
                expAvgSq.copy_(state[$"exp_avg_sq/{name}"]);
            }
        }
        StepCount = stepCount;

        void Check(string key, Tensor target)
        {
            if (!state.TryGetValue(key, out var source))
                throw new ArgumentException($"optimizer state lacks '{key}'");
            if (!source.shape.SequenceEqual(target.shape))
                throw new ArgumentException($"optimizer state '{key}' has shape [{string.Join(", ", source.shape)}], expected [{string.Join(", ", target.shape)}]");
        }
    }

    public void Dispose()
    {
        foreach (var (a, b) in _moments.Values.Concat(_masters.Values))
        {
            a.Dispose();
            b.Dispose();
        }
        _moments.Clear();
        _masters.Clear();
    }
}

using ActorRL.Model.Checkpoints;
using ActorRL.Model.Policies;
using ActorRL.Model.SafeTensors;
using Parameter = TorchSharp.Modules.Parameter;
using AdamW = ActorRL.Model.Training.AdamW;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests;

/// <summary>
/// model.dtype = bfloat16: the parameters the forward and backward use are bf16, while AdamW keeps float32 master
/// weights, moments and gradient sums, and checkpoints hold the masters.
/// </summary>
public sealed class MixedPrecisionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-bf16-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Updates_of_1e_minus_6_add_up_in_the_float32_master_instead_of_being_rounded_away()
    {
        const int steps = 3000;
        var parameter = new Parameter(ones(4, dtype: ScalarType.BFloat16));
        using var adamW = new AdamW([("w", parameter)], weightDecay: 0);
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            // A constant positive gradient: Adam's normalised step is then lr per update, here 1e-6.
            adamW.ZeroGrad();
            parameter.grad = ones(4, dtype: ScalarType.BFloat16);
            adamW.Step(1e-6);
        }
        var master = adamW.MasterWeights["w"];
        Assert.Equal(ScalarType.Float32, master.dtype);
        Assert.Equal(1 - steps * 1e-6, master[0].item<float>(), 4);
        // The bf16 parameter is the master rounded: 0.997 is nearer 0.99609375 (1 − 2⁻⁸) than 1.
        Assert.Equal(0.99609375f, parameter[0].to(ScalarType.Float32).item<float>());
        Assert.Equal(ScalarType.BFloat16, parameter.dtype);
        Assert.Equal(ScalarType.Float32, adamW.ExportState()["exp_avg/w"].dtype);

        // The same 3000 updates applied to the bf16 weights themselves are all rounded away.
        using var plain = ones(4, dtype: ScalarType.BFloat16);
        for (var i = 0; i < steps; i++) plain.add_(-1e-6);
        Assert.Equal(1f, plain[0].to(ScalarType.Float32).item<float>());
    }

    [Fact]
    public void Micro_batch_gradients_are_summed_in_float32()
    {
        var parameter = new Parameter(zeros(1, dtype: ScalarType.BFloat16));
        using var adamW = new AdamW([("w", parameter)], weightDecay: 0);
        // 1 + 256 × 2⁻⁹: summed in bf16 every 2⁻⁹ is rounded away against 1; in float32 they make 1.5.
        parameter.grad = ones(1, dtype: ScalarType.BFloat16);
        adamW.AccumulateGradients();
        for (var i = 0; i < 256; i++)
        {
            parameter.grad = full(1, Math.Pow(2, -9), dtype: ScalarType.BFloat16);
            adamW.AccumulateGradients();
        }
        Assert.Equal(1.5, adamW.ClipGradientNorm(0), 6);
    }

    [Fact]
    public void A_checkpoint_holds_the_float32_masters_and_a_resumed_run_steps_on_exactly()
    {
        ScoringSequence[] batch = [new(TinyPolicies.Prompt("7+8="), TinyPolicies.Tokenizer().Encode("15\n"))];
        void Train(IPolicy policy, AdamW optimizer, int steps)
        {
            for (var step = 0; step < steps; step++)
            {
                using var scope = NewDisposeScope();
                optimizer.ZeroGrad();
                (-policy.Score(batch).LogProbs.sum()).backward();
                optimizer.Step(1e-3);
            }
        }
        using var policy = TinyPolicies.Create(seed: 3, dtype: ScalarType.BFloat16);
        using var optimizer = new AdamW(policy.NamedParameters());
        Train(policy, optimizer, 3);
        var checkpoint = Path.Combine(_dir, "step-3");
        Checkpoint.Save(checkpoint, policy, optimizer);
        var (saved, _) = SafeTensorsReader.ReadAll(Path.Combine(checkpoint, Checkpoint.WeightsFile));
        Assert.All(saved.Values, t => Assert.Equal(ScalarType.Float32, t.dtype));
        // The masters moved by less than bf16 can show: the checkpoint is not the rounded parameters.
        Assert.Contains(policy.NamedParameters(), p => !saved[p.Name].equal(p.Parameter.to(ScalarType.Float32)).all().item<bool>());

        using var resumed = TinyPolicies.Create(seed: 99, dtype: ScalarType.BFloat16);
        using var resumedOptimizer = new AdamW(resumed.NamedParameters());
        Checkpoint.Load(checkpoint, resumed, resumedOptimizer);
        foreach (var (name, master) in optimizer.MasterWeights) Assert.True(master.equal(resumedOptimizer.MasterWeights[name]).all().item<bool>(), name);
        Train(policy, optimizer, 2);
        Train(resumed, resumedOptimizer, 2);
        foreach (var ((name, a), (_, b)) in policy.NamedParameters().Zip(resumed.NamedParameters())) Assert.True(a.equal(b).all().item<bool>(), name);
    }
}

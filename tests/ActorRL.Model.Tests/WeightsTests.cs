using ActorRL.Model.Policies;
using static TorchSharp.torch;

namespace ActorRL.Model.Tests;

public sealed class WeightsTests
{
    private static readonly IReadOnlyList<int>[] Prompts = [TinyPolicies.Prompt("12+7="), TinyPolicies.Prompt("5*5=")];

    [Fact]
    public void Weights_swapped_between_decoding_steps_apply_to_later_tokens_and_are_recorded_per_token()
    {
        using var policy = TinyPolicies.Create(seed: 1);
        using var other = TinyPolicies.Create(seed: 99);
        using var newer = other.ExportWeights();
        var request = new SamplingRequest(Prompts, SamplesPerPrompt: 2, Temperature: 0, MaxNewTokens: 12, StopTokenIds: []);
        var unswapped = policy.Sample(request);

        using var session = policy.BeginSampling(request);
        for (var i = 0; i < 3; i++) Assert.Equal(4, session.Step());
        policy.LoadWeights(new PolicyWeights(7, newer.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone())));
        while (!session.IsFinished) session.Step();

        foreach (var (swapped, reference) in session.Results.Zip(unswapped))
        {
            Assert.Equal(reference.TokenIds[..3], swapped.TokenIds[..3]);
            Assert.All(swapped.Versions[..3], v => Assert.Equal(0L, v));
            Assert.All(swapped.Versions[3..], v => Assert.Equal(7L, v));
        }
        // Greedy tokens after the swap come from different weights, so the responses diverge.
        Assert.Contains(session.Results.Zip(unswapped), p => !p.First.TokenIds.SequenceEqual(p.Second.TokenIds));
        Assert.Equal(7L, policy.Version);
    }

    [Fact]
    public void A_replica_holds_its_own_copy_of_the_weights()
    {
        using var learner = TinyPolicies.Create(seed: 2);
        using var replica = learner.CreateReplica();
        var request = new SamplingRequest(Prompts, Temperature: 0, MaxNewTokens: 10);
        var before = replica.Sample(request);
        Assert.Equal(learner.Sample(request).Select(r => r.TokenIds), before.Select(r => r.TokenIds));

        using (no_grad())
            foreach (var (_, p) in learner.NamedParameters()) p.add_(0.5);
        Assert.Equal(before.Select(r => r.LogProbs), replica.Sample(request).Select(r => r.LogProbs));
        Assert.NotEqual(before.Select(r => r.LogProbs), learner.Sample(request).Select(r => r.LogProbs));
    }

    [Fact]
    public void Exported_weights_are_copies_tagged_with_the_version()
    {
        using var policy = TinyPolicies.Create(seed: 3);
        using var exported = policy.ExportWeights();
        Assert.Equal(0L, exported.Version);
        Assert.Equal(policy.NamedParameters().Select(p => p.Name), exported.Tensors.Keys);
        var (name, parameter) = policy.NamedParameters()[0];
        var before = exported.Tensors[name].clone();
        using (no_grad()) parameter.mul_(2);
        Assert.True(exported.Tensors[name].equal(before).all().item<bool>());
        Assert.False(parameter.detach().equal(before).all().item<bool>());
    }

    [Fact]
    public void Loading_mismatched_weights_names_the_problem()
    {
        using var policy = TinyPolicies.Create(seed: 4);
        using var wider = TinyPolicies.Create(dModel: 64);
        using var wrongShape = wider.ExportWeights();
        var shape = Assert.Throws<ArgumentException>(() => policy.LoadWeights(wrongShape));
        Assert.Contains("wte.weight", shape.Message);
        Assert.Contains("has shape", shape.Message);

        using var good = policy.ExportWeights();
        var partial = good.Tensors.Where(kv => kv.Key != "ln_f.weight").ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        partial["extra.weight"] = zeros(3);
        using var incomplete = new PolicyWeights(1, partial);
        var names = Assert.Throws<ArgumentException>(() => policy.LoadWeights(incomplete));
        Assert.Contains("missing [ln_f.weight]", names.Message);
        Assert.Contains("unexpected [extra.weight]", names.Message);
        Assert.Equal(0L, policy.Version);
    }
}

using ActorRL.Engine.Pipeline;
using ActorRL.Model.Policies;
using static TorchSharp.torch;

namespace ActorRL.Engine.Training;

/// <summary>Moves weights between a policy's tensors and the plain arrays that travel between actors.</summary>
public static class SnapshotConversion
{
    public static PolicySnapshot Export(IPolicy policy, long version)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var arrays = policy.NamedParameters()
            .Select(p => new NamedArray(p.Name, p.Parameter.shape, p.Parameter.detach().to(ScalarType.Float32).cpu().data<float>().ToArray()))
            .ToList();
        return new PolicySnapshot(version, arrays);
    }

    public static void Load(IPolicy policy, PolicySnapshot snapshot)
    {
        using var scope = NewDisposeScope();
        var tensors = snapshot.Tensors.ToDictionary(t => t.Name, t => tensor(t.Data, t.Shape), StringComparer.Ordinal);
        using var weights = new PolicyWeights(snapshot.Version, tensors);
        policy.LoadWeights(weights);
    }
}

using ActorRL.Model.Settings;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ActorRL.Model.Lora;

/// <summary>
/// One low-rank adapter (Hu et al. 2021, arXiv 2106.09685) on a projection y = W x: it adds scale · B (A dropout(x)),
/// A [rank, in] drawn as PEFT does (Kaiming-uniform, a = √5), B [out, rank] zero, so an untrained adapter changes
/// nothing. Dropout acts only while gradients are recorded (the learner's differentiable scoring); sampling and
/// gradient-free scoring see the adapter deterministically.
/// </summary>
public sealed class LoraAdapter : nn.Module
{
    private readonly Parameter lora_A;
    private readonly Parameter lora_B;
    private readonly double _scale;
    private readonly double _dropout;

    public LoraAdapter(long inFeatures, long outFeatures, LoraSettings settings, Generator generator, Device device, ScalarType dtype)
        : base(nameof(LoraAdapter))
    {
        _scale = settings.Scale;
        _dropout = settings.Dropout;
        using (no_grad())
        {
            // kaiming_uniform_(a = √5) on [rank, in] is U(−1/√in, 1/√in), PEFT's default init of A.
            var bound = 1.0 / Math.Sqrt(inFeatures);
            lora_A = new Parameter(empty(settings.Rank, inFeatures, dtype, device).uniform_(-bound, bound, generator));
            lora_B = new Parameter(zeros(outFeatures, settings.Rank, dtype, device));
        }
        RegisterComponents();
    }

    public Parameter A => lora_A;
    public Parameter B => lora_B;

    /// <summary>scale · B A x for x [.., in].</summary>
    public Tensor Delta(Tensor x)
    {
        var input = _dropout > 0 && is_grad_enabled() ? F.dropout(x, _dropout, training: true) : x;
        return F.linear(F.linear(input, lora_A), lora_B) * _scale;
    }

    /// <summary>scale · B A, the [out, in] change to W that merging writes.</summary>
    public Tensor MergedDelta() => lora_B.matmul(lora_A) * _scale;
}

/// <summary>
/// The adapters of a decoder: one per configured target projection per layer, looked up by (layer, target) in the
/// decoder's forward pass. Their names are the projection's Hugging Face name plus PEFT's suffixes
/// (model.layers.3.self_attn.q_proj.lora_A.weight), so a checkpoint, a weight snapshot and a PEFT folder name them alike.
/// </summary>
public sealed class LoraAdapters : nn.Module
{
    private readonly ModuleList<LoraAdapter> adapters;
    private readonly Dictionary<(int Layer, string Target), LoraAdapter> _byTarget = new();
    private readonly List<(string Name, Parameter Parameter)> _named = new();
    private readonly List<(string BaseWeight, LoraAdapter Adapter)> _byBaseWeight = new();

    /// <param name="shapes">(in, out) features of each target projection, by Hugging Face name (q_proj, …).</param>
    public LoraAdapters(int layers, IReadOnlyDictionary<string, (long In, long Out)> shapes, LoraSettings settings, long seed, Device device, ScalarType dtype)
        : base(nameof(LoraAdapters))
    {
        Settings = settings;
        using var generator = new Generator((ulong)seed, device);
        var list = new List<LoraAdapter>();
        for (var layer = 0; layer < layers; layer++)
        {
            foreach (var target in settings.Targets)
            {
                var (inFeatures, outFeatures) = shapes[target];
                var adapter = new LoraAdapter(inFeatures, outFeatures, settings, generator, device, dtype);
                list.Add(adapter);
                _byTarget[(layer, target)] = adapter;
                var prefix = $"model.layers.{layer}.{BlockOf(target)}.{target}";
                _named.Add(($"{prefix}.lora_A.weight", adapter.A));
                _named.Add(($"{prefix}.lora_B.weight", adapter.B));
                _byBaseWeight.Add(($"{prefix}.weight", adapter));
            }
        }
        adapters = nn.ModuleList(list.ToArray());
        RegisterComponents();
    }

    public LoraSettings Settings { get; }

    /// <summary>The Hugging Face sub-module a projection lives in.</summary>
    public static string BlockOf(string target) => target is "gate_proj" or "up_proj" or "down_proj" ? "mlp" : "self_attn";

    public LoraAdapter? For(int layer, string target) => _byTarget.GetValueOrDefault((layer, target));

    /// <summary>Every adapter tensor under its PEFT-style name, layer by layer, target by target, A before B.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> NamedAdapterParameters() => _named;

    /// <summary>The adapters by the base weight they change ("model.layers.3.self_attn.q_proj.weight").</summary>
    public IReadOnlyList<(string BaseWeight, LoraAdapter Adapter)> ByBaseWeight() => _byBaseWeight;
}

namespace ActorRL.Core.Configuration;

/// <summary><c>actorrl.run</c>: where a run lives, the master seed, and how reproducible its compute is.</summary>
/// <param name="Deterministic">A synchronous run reproduces bit for bit (docs/reproducibility.md): prompts go out in
/// waves and libtorch uses its deterministic algorithms.</param>
/// <param name="TorchThreads">Threads libtorch uses inside one operation; null = its default (one per core). Float
/// reductions split by thread, so the bits depend on it.</param>
public sealed record RunSettings(string Directory, int Seed, bool Deterministic = false, int? TorchThreads = null)
{
    public static RunSettings FromConfig(SettingsReader r)
    {
        var dir = r.GetString("dir");
        if (string.IsNullOrWhiteSpace(dir)) throw r.Fail("dir", "must be a non-empty path");
        return new RunSettings(dir, r.GetInt("seed", 0), r.GetBool("deterministic"), r.GetIntOrNull("torch-threads", 1, 1024));
    }
}

namespace ActorRL.Core.Configuration;

/// <summary><c>actorrl.run</c>: where a run lives and the master seed.</summary>
public sealed record RunSettings(string Directory, int Seed)
{
    public static RunSettings FromConfig(SettingsReader r)
    {
        var dir = r.GetString("dir");
        if (string.IsNullOrWhiteSpace(dir)) throw r.Fail("dir", "must be a non-empty path");
        return new RunSettings(dir, r.GetInt("seed", 0));
    }
}

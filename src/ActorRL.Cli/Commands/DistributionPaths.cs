namespace ActorRL.Cli.Commands;

/// <summary>
/// Finds files that ship with ActorRL (samples/, hocon/): relative to the current directory first (a checkout),
/// then next to the binary (a published build or container).
/// </summary>
public static class DistributionPaths
{
    public static string Resolve(string relative)
    {
        if (File.Exists(relative)) return relative;
        var besideBinary = Path.Combine(AppContext.BaseDirectory, relative);
        if (File.Exists(besideBinary)) return besideBinary;
        throw new UsageException($"{relative} not found (looked in {Directory.GetCurrentDirectory()} and {AppContext.BaseDirectory})");
    }
}

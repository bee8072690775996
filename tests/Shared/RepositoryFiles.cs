namespace ActorRL.Tests.Shared;

/// <summary>Files of the checkout the tests run from (samples/, hocon/, docs/), found by walking up to ActorRL.sln.</summary>
internal static class RepositoryFiles
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ActorRL.sln"))) return System.IO.Path.Combine(dir.FullName, relative);
        throw new FileNotFoundException($"no ActorRL.sln above {AppContext.BaseDirectory}");
    }
}

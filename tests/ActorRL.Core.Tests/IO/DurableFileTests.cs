using ActorRL.Core.IO;

namespace ActorRL.Core.Tests.IO;

public sealed class DurableFileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("durable-file-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void WritesReplaceTheFileAndLeaveNoTemporary()
    {
        var path = Path.Combine(_root, "a.txt");
        DurableFile.WriteAllBytes(path, "old"u8);
        DurableFile.WriteAllBytes(path, "new"u8);
        Assert.Equal("new", File.ReadAllText(path));
        DurableFile.WriteAllLines(path, ["x", "y"]);
        Assert.Equal(new[] { "x", "y" }, File.ReadAllLines(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_root));
    }

    [Fact]
    public void DirectoriesAreCreatedAndMoved()
    {
        var nested = Path.Combine(_root, "a", "b", "c");
        DurableFile.CreateDirectory(nested);
        File.WriteAllText(Path.Combine(nested, "f"), "1");
        DurableFile.FlushFile(Path.Combine(nested, "f"));
        var moved = Path.Combine(_root, "moved");
        DurableFile.MoveDirectory(nested, moved);
        Assert.Equal("1", File.ReadAllText(Path.Combine(moved, "f")));
        Assert.False(Directory.Exists(nested));
    }

    [Fact]
    public void OnLinuxTheDirectoryIsReallyOpenedAndFlushed()
    {
        if (!OperatingSystem.IsLinux()) return; // a no-op elsewhere
        DurableFile.FlushDirectory(_root);
        // A no-op could not tell these apart: open(O_DIRECTORY) refuses a file (ENOTDIR) and a missing path (ENOENT).
        var file = Path.Combine(_root, "plain");
        File.WriteAllText(file, "");
        Assert.Contains("errno 20", Assert.Throws<IOException>(() => DurableFile.FlushDirectory(file)).Message);
        Assert.Contains("errno 2)", Assert.Throws<IOException>(() => DurableFile.FlushDirectory(Path.Combine(_root, "missing"))).Message);
    }
}

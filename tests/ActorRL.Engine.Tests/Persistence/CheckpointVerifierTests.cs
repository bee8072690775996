using System.Security.Cryptography;
using ActorRL.Engine.Persistence;

namespace ActorRL.Engine.Tests.Persistence;

public sealed class CheckpointVerifierTests : IDisposable
{
    private readonly string _run = Directory.CreateTempSubdirectory("actorrl-verify-").FullName;

    public void Dispose() => Directory.Delete(_run, recursive: true);

    private CheckpointCommitted Write(int step, byte fill)
    {
        var relative = LedgerPlan.CheckpointDirectory(step);
        Directory.CreateDirectory(Path.Combine(_run, relative));
        var bytes = Enumerable.Repeat(fill, 1000).ToArray();
        File.WriteAllBytes(Path.Combine(_run, relative, "weights.safetensors"), bytes);
        return new CheckpointCommitted(step + 1, step, step, relative,
            new[] { new CommittedFile("weights.safetensors", bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))) },
            "e0:i0", Array.Empty<string>(), 0, 0, null);
    }

    [Fact]
    public void An_intact_checkpoint_passes()
    {
        Assert.Null(CheckpointVerifier.Problem(_run, Write(2, 7)));
    }

    [Fact]
    public void A_flipped_byte_a_truncation_and_a_missing_file_are_each_refused_naming_the_file()
    {
        var flipped = Write(1, 1);
        var path = Path.Combine(_run, flipped.Directory, "weights.safetensors");
        var bytes = File.ReadAllBytes(path);
        bytes[500] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        Assert.Contains($"{path} has SHA-256", CheckpointVerifier.Problem(_run, flipped));

        var truncated = Write(2, 2);
        var truncatedPath = Path.Combine(_run, truncated.Directory, "weights.safetensors");
        using (var file = File.OpenWrite(truncatedPath)) file.SetLength(999);
        Assert.Equal($"{truncatedPath} has 999 bytes, the ledger committed 1000", CheckpointVerifier.Problem(_run, truncated));

        var missing = Write(3, 3);
        File.Delete(Path.Combine(_run, missing.Directory, "weights.safetensors"));
        Assert.EndsWith("weights.safetensors is missing", CheckpointVerifier.Problem(_run, missing));
    }

    [Fact]
    public void The_newest_intact_checkpoint_is_chosen_and_every_newer_one_is_reported()
    {
        var old = Write(2, 2);
        var newer = Write(4, 4);
        var newest = Write(6, 6);
        File.WriteAllBytes(Path.Combine(_run, newest.Directory, "weights.safetensors"), new byte[10]);
        using (var file = File.OpenWrite(Path.Combine(_run, newer.Directory, "weights.safetensors"))) file.SetLength(10);
        var refused = new List<int>();

        var chosen = CheckpointVerifier.NewestIntact(_run, new[] { old, newer, newest }, (c, _) => refused.Add(c.Step));

        Assert.Equal(2, chosen?.Step);
        Assert.Equal(new[] { 6, 4 }, refused);
        Assert.Null(CheckpointVerifier.NewestIntact(_run, new[] { newer, newest }, (_, _) => { }));
    }
}

using System.Security.Cryptography;
using ActorRL.Model.HuggingFace;

namespace ActorRL.Model.Lora;

/// <summary>
/// Which base weights a LoRA checkpoint's adapters belong to: the folder and one SHA-256 over its safetensors files
/// (in name order, each file's name and bytes), so adapters are never resumed or exported on top of a different base.
/// </summary>
public sealed record BaseModelFingerprint(string Folder, string Sha256)
{
    public const string FolderKey = "actorrl.lora.base";
    public const string Sha256Key = "actorrl.lora.base-sha256";

    public static BaseModelFingerprint Of(string folder)
    {
        var opened = ModelFolder.Open(folder);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var file in opened.WeightFiles.Values.Distinct().OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            using var stream = File.OpenRead(file);
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0) hash.AppendData(buffer, 0, read);
        }
        return new BaseModelFingerprint(opened.Directory, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    public IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string> { [FolderKey] = Folder, [Sha256Key] = Sha256 };

    /// <summary>null when <paramref name="metadata"/> (a checkpoint's) names this base or none; else why it does not.</summary>
    public string? Mismatch(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(Sha256Key, out var saved))
            return "its adapters carry no base-model fingerprint (actorrl.lora.base-sha256), so they cannot be matched to a base";
        return saved == Sha256 ? null
            : $"its adapters were trained on the base {metadata.GetValueOrDefault(FolderKey, "?")} (weights SHA-256 {saved[..12]}…), " +
              $"but {Folder} now holds different weights (SHA-256 {Sha256[..12]}…)";
    }
}

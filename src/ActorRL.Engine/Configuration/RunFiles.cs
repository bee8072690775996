using ActorRL.Core.Configuration;
using ActorRL.Model.Settings;
using ActorRL.Tasks;

namespace ActorRL.Engine.Configuration;

/// <summary>
/// The files and folders a pipeline names, resolved on this machine before a run (or its --dry-run) starts: a missing
/// one is a configuration error naming its key and line, not a failure minutes into start-up. `config check` does not
/// look: a pipeline may be checked on a machine other than the one that will run it.
/// </summary>
public static class RunFiles
{
    public static void Require(ActorRLSettings settings, PipelineConfig config)
    {
        var root = config.Reader("actorrl");
        if (settings.Model.ModelPath is { } model && !Directory.Exists(model))
            throw root.Section("model").Fail("path", $"no such folder: {Path.GetFullPath(model)}");
        if (settings.Model is { Tokenizer: TokenizerKind.Bpe, TokenizerPath: { } tokenizer } && !File.Exists(tokenizer))
            throw root.Section("model.tokenizer").Fail("path", $"no such file: {Path.GetFullPath(tokenizer)}");
        if (settings.Task.Name == TaskName.Jsonl && settings.Task.Jsonl.Path is { } data && !File.Exists(data))
            throw root.Section("task.jsonl").Fail("path", $"no such file: {Path.GetFullPath(data)}");
        if (settings.Cluster.Tls is { } tls)
        {
            var section = root.Section("cluster.tls");
            if (!File.Exists(tls.CertificatePath)) throw section.Fail("certificate", $"no such file: {Path.GetFullPath(tls.CertificatePath)}");
            if (!File.Exists(tls.AuthorityPath)) throw section.Fail("ca", $"no such file: {Path.GetFullPath(tls.AuthorityPath)}");
            try
            {
                Cluster.ClusterTls.Load(tls);
            }
            catch (Cluster.ClusterTlsException e)
            {
                throw section.Fail(e.Key, e.Message);
            }
        }
    }
}

using System.Reflection;

namespace ActorRL.Core.Configuration;

/// <summary>hocon/reference.conf, embedded in this assembly so every tool and test sees the same defaults.</summary>
public static class ReferenceConfig
{
    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ActorRL.reference.conf")
            ?? throw new InvalidOperationException("reference.conf is not embedded in ActorRL.Core");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static string Hocon => Text.Value;

    /// <summary>A fresh parse (callers mutate their copy while merging).</summary>
    public static HoconObject Parse() => HoconParser.Parse(Hocon, PipelineConfig.ReferenceSource);
}

namespace ActorRL.Core.Configuration;

/// <summary>
/// A configuration problem a user can fix: it names the key, where the value came from (file and line when
/// known), the bad value and what is allowed. The CLI prints <see cref="Exception.Message"/> as one line and
/// exits with code 2 — never a stack trace.
/// </summary>
public sealed class SettingsException : Exception
{
    public SettingsException(string key, string? source, int? line, string problem)
        : base(Format(key, source, line, problem))
    {
        Key = key;
        Source = source;
        Line = line;
        Problem = problem;
    }

    /// <summary>Full HOCON path of the offending key, e.g. <c>actorrl.algorithm.clip-low</c>.</summary>
    public string Key { get; }

    /// <summary>The file (or <c>--set</c>) the value came from, when known.</summary>
    public new string? Source { get; }

    public int? Line { get; }

    public string Problem { get; }

    private static string Format(string key, string? source, int? line, string problem)
    {
        var location = source is null ? null : line is null || source.StartsWith("--set", StringComparison.Ordinal) ? source : $"{source}:{line}";
        if (key.Length == 0) return location is null ? problem : $"{location}: {problem}";
        return location is null ? $"{key}: {problem}" : $"{key} ({location}): {problem}";
    }
}

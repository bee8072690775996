namespace ActorRL.Cli.Commands;

/// <summary>
/// Says which lines of the effective configuration differ from the one a resumed run was started with: extending
/// rl-steps is fine, a different model or task is usually a mistake the user should see before it costs a run.
/// </summary>
public static class ConfigChanges
{
    public static IReadOnlyList<string> Between(string before, string after)
    {
        static HashSet<string> Lines(string text) =>
            text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#') && l != "{" && l != "}").ToHashSet();
        var old = Lines(before);
        var now = Lines(after);
        return old.Except(now).Select(l => "- " + l).Concat(now.Except(old).Select(l => "+ " + l)).ToList();
    }

    public static void Report(string before, string after, TextWriter error)
    {
        var changes = Between(before, after);
        if (changes.Count == 0) return;
        error.WriteLine($"The configuration differs from the one this run started with ({changes.Count} lines):");
        foreach (var line in changes.Take(20)) error.WriteLine("  " + line);
        if (changes.Count > 20) error.WriteLine($"  … {changes.Count - 20} more");
    }
}

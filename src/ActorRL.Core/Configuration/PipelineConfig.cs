namespace ActorRL.Core.Configuration;

/// <summary>
/// The effective configuration of a run: reference.conf ← user file(s) (with includes) ← <c>--set</c> overrides,
/// resolved, with unknown keys under <c>actorrl</c> rejected. Built once at the edge (the CLI); everything
/// downstream gets typed settings records made from <see cref="Reader"/>.
/// </summary>
public sealed class PipelineConfig
{
    public const string ReferenceSource = "reference.conf";
    private const string Namespace = "actorrl";

    private PipelineConfig(HoconObject root, IReadOnlyList<string> sources)
    {
        Root = root;
        Sources = sources;
    }

    /// <summary>The merged, resolved tree (treat as read-only).</summary>
    public HoconObject Root { get; }

    /// <summary>Where the layers came from, lowest priority first.</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>
    /// Loads the reference, then each file in order, then each <c>key=value</c> override.
    /// Includes resolve relative to the including file, then in <paramref name="fragmentDirectories"/>
    /// (the distribution's hocon/ folder).
    /// </summary>
    public static PipelineConfig Load(IEnumerable<string> files, IEnumerable<string> overrides, IEnumerable<string>? fragmentDirectories = null)
    {
        var fragments = fragmentDirectories?.ToList() ?? DefaultFragmentDirectories();
        var layers = new List<HoconObject>();
        var sources = new List<string> { ReferenceSource };
        foreach (var file in files)
        {
            layers.Add(ParseFile(file, fragments, new Stack<string>()));
            sources.Add(file);
        }
        foreach (var assignment in overrides)
        {
            layers.Add(ParseOverride(assignment));
            sources.Add($"--set {assignment}");
        }
        return Build(layers, sources);
    }

    /// <summary>reference.conf with HOCON text on top (tests, tools such as loss-check).</summary>
    public static PipelineConfig FromText(string hocon, string source = "<text>") =>
        Build(hocon.Trim().Length == 0 ? new List<HoconObject>() : new List<HoconObject> { HoconParser.Parse(hocon, source) },
            new List<string> { ReferenceSource, source });

    public SettingsReader Reader(string section = "") => new(Root, section);

    /// <summary>The effective configuration as HOCON text (optionally one section only).</summary>
    public string Render(string? section = null)
    {
        if (section is null) return HoconWriter.Render(Root);
        var node = HoconResolver.Find(Root, section);
        var wrapper = new HoconObject(Root.Position);
        if (node is not null) SetPath(wrapper, section, node);
        return HoconWriter.Render(wrapper);
    }

    private static PipelineConfig Build(List<HoconObject> layers, List<string> sources)
    {
        var reference = ReferenceConfig.Parse();
        foreach (var layer in layers) RejectUnknownKeys(layer, reference);
        var root = reference.DeepCopy();
        foreach (var layer in layers) root.MergeFrom(layer);
        HoconResolver.Resolve(root);
        return new PipelineConfig(root, sources);
    }

    private static HoconObject ParseFile(string path, IReadOnlyList<string> fragments, Stack<string> including)
    {
        var full = Path.GetFullPath(path);
        if (including.Contains(full))
            throw new SettingsException("", path, null, "include cycle: " + string.Join(" → ", including.Reverse().Append(full)));
        if (!File.Exists(full)) throw new SettingsException("", path, null, "file not found");
        including.Push(full);
        try
        {
            return HoconParser.Parse(File.ReadAllText(full), path, (from, name, line) =>
            {
                var candidates = new List<string>();
                if (Path.IsPathRooted(name)) candidates.Add(name);
                else
                {
                    candidates.Add(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(from)) ?? ".", name));
                    candidates.AddRange(fragments.Select(d => Path.Combine(d, name)));
                }
                var found = candidates.FirstOrDefault(File.Exists)
                    ?? throw new SettingsException("", from, line,
                        $"include \"{name}\" not found (looked in: {string.Join(", ", candidates.Select(Path.GetDirectoryName).Distinct())})");
                return ParseFile(found, fragments, including);
            });
        }
        finally
        {
            including.Pop();
        }
    }

    /// <summary><c>key=value</c>: value is HOCON (a number, list, object…), or taken as a plain string if it is not.</summary>
    private static HoconObject ParseOverride(string assignment)
    {
        var eq = assignment.IndexOf('=');
        if (eq <= 0)
            throw new SettingsException("", "--set", null, $"expected key=value, got \"{assignment}\"");
        var key = assignment[..eq].Trim();
        var value = assignment[(eq + 1)..];
        try
        {
            return HoconParser.Parse($"{key} = {value}", "--set");
        }
        catch (SettingsException)
        {
            return HoconParser.Parse($"{key} = {HoconWriter.Quote(value)}", "--set");
        }
    }

    private static void RejectUnknownKeys(HoconObject layer, HoconObject reference)
    {
        if (!layer.TryGet(Namespace, out var section)) return;
        if (section is not HoconObject sectionObject)
            throw new SettingsException(Namespace, section.Position.Source, section.Position.Line, $"expected an object, got {section.Describe()}");
        reference.TryGet(Namespace, out var referenceSection);
        Walk(sectionObject, referenceSection as HoconObject, Namespace);
    }

    private static void Walk(HoconObject given, HoconObject? known, string path)
    {
        foreach (var (key, value) in given.Fields)
        {
            var full = $"{path}.{key}";
            HoconNode? knownNode = null;
            if (known is null || !known.TryGet(key, out knownNode))
            {
                var candidates = known?.Fields.Select(f => f.Key).ToList() ?? new List<string>();
                var hint = ClosestKey(key, candidates) is { } close ? $"did you mean {path}.{close}? " : "";
                var listing = candidates.Count > 0 ? $"known keys in {path}: {string.Join(", ", candidates)}" : $"{path} takes no keys";
                throw new SettingsException(full, value.Position.Source, value.Position.Line, $"unknown key; {hint}{listing}");
            }
            if (value is HoconObject child && knownNode is HoconObject knownChild) Walk(child, knownChild, full);
        }
    }

    private static string? ClosestKey(string key, IReadOnlyList<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = Levenshtein(key, c);
            if (d < bestDistance) { best = c; bestDistance = d; }
        }
        return bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }

    private static void SetPath(HoconObject target, string path, HoconNode value)
    {
        var segments = path.Split('.');
        var current = target;
        foreach (var segment in segments[..^1])
        {
            var next = new HoconObject(value.Position);
            current.Replace(segment, next);
            current = next;
        }
        current.Replace(segments[^1], value);
    }

    private static List<string> DefaultFragmentDirectories() =>
        new[] { Path.Combine(AppContext.BaseDirectory, "hocon"), Path.Combine(Directory.GetCurrentDirectory(), "hocon") }
            .Where(Directory.Exists).Distinct().ToList();
}

namespace ActorRL.Core.Configuration;

/// <summary>
/// Replaces <c>${path}</c> substitutions once every layer is merged, so that a later layer's value is the one
/// a substitution sees (HOCON semantics). <c>${?X}</c> that finds nothing falls back to the environment
/// variable X, then disappears; <c>${X}</c> that finds nothing there either is an error naming where it was written.
/// </summary>
public static class HoconResolver
{
    public static void Resolve(HoconObject root) => ResolveObject(root, root, new HashSet<string>());

    private static void ResolveObject(HoconObject root, HoconObject obj, HashSet<string> resolving)
    {
        foreach (var (key, value) in obj.Fields.ToList())
        {
            var resolved = ResolveNode(root, value, resolving);
            if (resolved is null) obj.Remove(key);
            else if (!ReferenceEquals(resolved, value)) obj.Replace(key, resolved);
        }
    }

    private static HoconNode? ResolveNode(HoconObject root, HoconNode node, HashSet<string> resolving)
    {
        switch (node)
        {
            case HoconObject o:
                ResolveObject(root, o, resolving);
                return o;
            case HoconArray a:
                var items = a.Items.Select(i => ResolveNode(root, i, resolving)).Where(i => i is not null).Cast<HoconNode>().ToList();
                return new HoconArray(a.Position, items);
            case HoconSubstitution s:
                return Lookup(root, s, resolving);
            case HoconConcatenation c:
                var text = string.Concat(c.Parts.Select(p => ResolveNode(root, p, resolving) switch
                {
                    HoconScalar scalar => scalar.Text,
                    null => "",
                    var other => throw new SettingsException("", c.Position.Source, c.Position.Line,
                        $"cannot join {other.Describe()} into a string"),
                }));
                return new HoconScalar(c.Position, HoconScalarKind.String, text);
            default:
                return node;
        }
    }

    private static HoconNode? Lookup(HoconObject root, HoconSubstitution s, HashSet<string> resolving)
    {
        if (!resolving.Add(s.Path))
            throw new SettingsException(s.Path, s.Position.Source, s.Position.Line, "substitution refers to itself");
        try
        {
            var target = Find(root, s.Path);
            if (target is not null) return ResolveNode(root, target, resolving);
            var env = Environment.GetEnvironmentVariable(s.Path);
            if (env is not null) return new HoconScalar(s.Position, HoconScalarKind.String, env);
            if (s.Optional) return null;
            throw new SettingsException(s.Path, s.Position.Source, s.Position.Line,
                $"substitution ${{{s.Path}}} names no key and no environment variable (use ${{?{s.Path}}} to make it optional)");
        }
        finally
        {
            resolving.Remove(s.Path);
        }
    }

    /// <summary>Finds a dotted path in a tree (no quoting: keys containing dots are not addressable here).</summary>
    public static HoconNode? Find(HoconObject root, string path)
    {
        HoconNode current = root;
        foreach (var segment in path.Split('.'))
        {
            if (current is not HoconObject o || !o.TryGet(segment, out var next)) return null;
            current = next;
        }
        return current;
    }
}

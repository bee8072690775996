namespace ActorRL.Core.Configuration;

/// <summary>
/// Replaces <c>${path}</c> substitutions once every layer is merged, so that a later layer's value is the one
/// a substitution sees (HOCON semantics). <c>${?X}</c> that finds nothing falls back to the environment
/// variable X, then disappears; <c>${X}</c> that finds nothing there either is an error naming where it was written.
/// Substitutions are bounded: a chain like <c>a = ${b}${b}, b = ${c}${c}, …</c> doubles at every link, so 40 links
/// would take 2⁴⁰ lookups and as many bytes; past <see cref="MaxExpansions"/> lookups, a chain deeper than
/// <see cref="MaxChainDepth"/> or a string longer than <see cref="MaxStringLength"/>, resolving stops with an error
/// naming where the substitution was written.
/// </summary>
public static class HoconResolver
{
    public const int MaxExpansions = 100_000;
    public const int MaxChainDepth = 64;
    public const int MaxStringLength = 1 << 20;

    private sealed class Budget
    {
        public int Expansions;
    }

    public static void Resolve(HoconObject root) => ResolveObject(root, root, new HashSet<string>(), new Budget());

    private static void ResolveObject(HoconObject root, HoconObject obj, HashSet<string> resolving, Budget budget)
    {
        foreach (var (key, value) in obj.Fields.ToList())
        {
            var resolved = ResolveNode(root, value, resolving, budget);
            if (resolved is null) obj.Remove(key);
            else if (!ReferenceEquals(resolved, value)) obj.Replace(key, resolved);
        }
    }

    private static HoconNode? ResolveNode(HoconObject root, HoconNode node, HashSet<string> resolving, Budget budget)
    {
        switch (node)
        {
            case HoconObject o:
                ResolveObject(root, o, resolving, budget);
                return o;
            case HoconArray a:
                var items = a.Items.Select(i => ResolveNode(root, i, resolving, budget)).Where(i => i is not null).Cast<HoconNode>().ToList();
                return new HoconArray(a.Position, items);
            case HoconSubstitution s:
                return Lookup(root, s, resolving, budget);
            case HoconConcatenation c:
                var text = new System.Text.StringBuilder();
                foreach (var part in c.Parts)
                {
                    text.Append(ResolveNode(root, part, resolving, budget) switch
                    {
                        HoconScalar scalar => scalar.Text,
                        null => "",
                        var other => throw new SettingsException("", c.Position.Source, c.Position.Line,
                            $"cannot join {other.Describe()} into a string"),
                    });
                    if (text.Length > MaxStringLength)
                        throw new SettingsException("", c.Position.Source, c.Position.Line,
                            $"substitutions here build a string longer than {MaxStringLength:N0} characters");
                }
                return new HoconScalar(c.Position, HoconScalarKind.String, text.ToString());
            default:
                return node;
        }
    }

    private static HoconNode? Lookup(HoconObject root, HoconSubstitution s, HashSet<string> resolving, Budget budget)
    {
        if (++budget.Expansions > MaxExpansions)
            throw new SettingsException(s.Path, s.Position.Source, s.Position.Line,
                $"more than {MaxExpansions:N0} substitutions to resolve: a chain of substitutions multiplies here");
        if (resolving.Count >= MaxChainDepth)
            throw new SettingsException(s.Path, s.Position.Source, s.Position.Line, $"substitutions chain more than {MaxChainDepth} deep");
        if (!resolving.Add(s.Path))
            throw new SettingsException(s.Path, s.Position.Source, s.Position.Line, "substitution refers to itself");
        try
        {
            var target = Find(root, s.Path);
            if (target is not null) return ResolveNode(root, target, resolving, budget);
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

namespace ActorRL.Core.Configuration;

/// <summary>Where a HOCON value was written: file (or "--set", "reference.conf") and 1-based line.</summary>
public readonly record struct HoconPosition(string Source, int Line)
{
    public override string ToString() => $"{Source}:{Line}";
}

/// <summary>
/// A node of our HOCON tree. We parse HOCON ourselves (rather than with Akka's parser) because we need the
/// file and line of every value for error messages, and because Akka's parser can loop forever on some
/// malformed input (an unclosed array followed by '}').
/// </summary>
public abstract class HoconNode
{
    protected HoconNode(HoconPosition position) => Position = position;

    public HoconPosition Position { get; }

    /// <summary>A short description for error messages ("a number", "an object", …).</summary>
    public abstract string Describe();
}

public enum HoconScalarKind { String, Number, Boolean, Null }

public sealed class HoconScalar : HoconNode
{
    public HoconScalar(HoconPosition position, HoconScalarKind kind, string text) : base(position)
    {
        Kind = kind;
        Text = text;
    }

    public HoconScalarKind Kind { get; }

    /// <summary>The value as written (unquoted, escapes resolved). "null" for nulls.</summary>
    public string Text { get; }

    public override string Describe() => Kind == HoconScalarKind.Null ? "null" : $"\"{Text}\"";
}

public sealed class HoconArray : HoconNode
{
    public HoconArray(HoconPosition position, IReadOnlyList<HoconNode> items) : base(position) => Items = items;

    public IReadOnlyList<HoconNode> Items { get; }

    public override string Describe() => "a list";
}

/// <summary>An unresolved <c>${path}</c> or <c>${?path}</c>; resolved after every layer is merged.</summary>
public sealed class HoconSubstitution : HoconNode
{
    public HoconSubstitution(HoconPosition position, string path, bool optional) : base(position)
    {
        Path = path;
        Optional = optional;
    }

    public string Path { get; }
    public bool Optional { get; }

    public override string Describe() => $"${{{(Optional ? "?" : "")}{Path}}}";
}

/// <summary>A string built from several pieces on one line, some of them substitutions (<c>${a}/x</c>).</summary>
public sealed class HoconConcatenation : HoconNode
{
    public HoconConcatenation(HoconPosition position, IReadOnlyList<HoconNode> parts) : base(position) => Parts = parts;

    public IReadOnlyList<HoconNode> Parts { get; }

    public override string Describe() => "a string";
}

public sealed class HoconObject : HoconNode
{
    private readonly Dictionary<string, HoconNode> _fields = new(StringComparer.Ordinal);
    private readonly List<string> _order = new();

    public HoconObject(HoconPosition position) : base(position) { }

    public IEnumerable<KeyValuePair<string, HoconNode>> Fields =>
        _order.Select(k => new KeyValuePair<string, HoconNode>(k, _fields[k]));

    public bool TryGet(string key, out HoconNode node) => _fields.TryGetValue(key, out node!);

    /// <summary>HOCON merge rule: an object set over an object merges; anything else replaces.</summary>
    public void Set(string key, HoconNode value)
    {
        if (_fields.TryGetValue(key, out var existing) && existing is HoconObject existingObject && value is HoconObject incoming)
        {
            existingObject.MergeFrom(incoming);
            return;
        }
        if (!_fields.ContainsKey(key)) _order.Add(key);
        _fields[key] = value is HoconObject o ? o.DeepCopy() : value;
    }

    public void Replace(string key, HoconNode value)
    {
        if (!_fields.ContainsKey(key)) _order.Add(key);
        _fields[key] = value;
    }

    public void Remove(string key)
    {
        if (_fields.Remove(key)) _order.Remove(key);
    }

    public void MergeFrom(HoconObject other)
    {
        foreach (var (key, value) in other.Fields) Set(key, value);
    }

    public HoconObject DeepCopy()
    {
        var copy = new HoconObject(Position);
        foreach (var (key, value) in Fields) copy.Replace(key, value is HoconObject o ? o.DeepCopy() : value);
        return copy;
    }

    public override string Describe() => "an object";
}

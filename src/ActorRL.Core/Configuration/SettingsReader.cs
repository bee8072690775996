using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorRL.Core.Configuration;

/// <summary>
/// Typed, validated reads from one section of a resolved HOCON tree. Every failure is a
/// <see cref="SettingsException"/> naming the full key, the file and line the value came from, the bad value
/// and what is allowed. Settings records call this once, at the edge; logic never sees HOCON.
/// </summary>
public sealed partial class SettingsReader
{
    private readonly HoconObject _root;

    internal SettingsReader(HoconObject root, string path)
    {
        _root = root;
        Path = path;
    }

    /// <summary>Full path of this section ("" for the root).</summary>
    public string Path { get; }

    /// <summary>Parses HOCON text alone (no reference.conf) and reads from <paramref name="section"/>.</summary>
    public static SettingsReader Parse(string hocon, string section = "", string source = "<text>")
    {
        var root = HoconParser.Parse(hocon, source);
        HoconResolver.Resolve(root);
        return new SettingsReader(root, section);
    }

    /// <summary>reference.conf with <paramref name="hoconOverrides"/> on top (checked for unknown keys).</summary>
    public static SettingsReader FromReference(string hoconOverrides = "", string section = "") =>
        PipelineConfig.FromText(hoconOverrides).Reader(section);

    public SettingsReader Section(string key) => new(_root, Full(key));

    public bool IsSet(string key) => Find(key) is { } node && node is not HoconScalar { Kind: HoconScalarKind.Null };

    /// <summary>Whether the user's files or --set gave <paramref name="key"/> its value (not reference.conf): a check that
    /// involves several keys names the one the user wrote, so the error points at their line.</summary>
    public bool IsOverridden(string key) => Find(key) is { } node && node.Position.Source != PipelineConfig.ReferenceSource;

    /// <summary>The keys present directly in this section, in file order.</summary>
    public IReadOnlyList<string> Keys =>
        (HoconResolver.Find(_root, Path) as HoconObject)?.Fields.Select(f => f.Key).ToList() ?? (IReadOnlyList<string>)Array.Empty<string>();

    public string GetString(string key) => Scalar(key, "a string").Text;

    public string? GetStringOrNull(string key) => IsSet(key) ? GetString(key) : null;

    public string GetEnum(string key, params string[] allowed)
    {
        var s = Scalar(key, $"one of {string.Join(" | ", allowed)}");
        if (Array.IndexOf(allowed, s.Text) < 0) throw Bad(key, s, $"one of {string.Join(" | ", allowed)}");
        return s.Text;
    }

    public string? GetEnumOrNull(string key, params string[] allowed) => IsSet(key) ? GetEnum(key, allowed) : null;

    /// <summary>An enum member by its configuration name (<see cref="SettingNames"/>); the error lists every name.</summary>
    public T GetEnum<T>(string key) where T : struct, Enum =>
        SettingNames.Parse<T>(GetEnum(key, SettingNames.All<T>().ToArray()))!.Value;

    /// <summary>
    /// An entry of a name-keyed registry (verl's core_algos style: aggregations, estimators, ratio levels): the name is
    /// read and checked here, at the edge, and the entry itself is what the settings carry.
    /// </summary>
    public T GetNamed<T>(string key, IReadOnlyDictionary<string, T> registry) => registry[GetEnum(key, registry.Keys.ToArray())];

    public T? GetNamedOrNull<T>(string key, IReadOnlyDictionary<string, T> registry) where T : class =>
        IsSet(key) ? GetNamed(key, registry) : null;

    public int GetInt(string key, int min = int.MinValue, int max = int.MaxValue) =>
        (int)GetLong(key, min, max);

    public int? GetIntOrNull(string key, int min = int.MinValue, int max = int.MaxValue) =>
        IsSet(key) ? GetInt(key, min, max) : null;

    public long GetLong(string key, long min = long.MinValue, long max = long.MaxValue)
    {
        var expected = "a whole number" + Range(min == long.MinValue ? null : min, max == long.MaxValue ? null : max);
        var s = Scalar(key, expected);
        if (!long.TryParse(s.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
            throw Bad(key, s, expected);
        return value;
    }

    /// <summary>A finite number in [<paramref name="min"/>, <paramref name="max"/>]: NaN, infinities and literals that overflow
    /// a double (1e999) are refused, as no setting means anything by them.</summary>
    public double GetDouble(string key, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        var expected = "a finite number" + Range(double.IsNegativeInfinity(min) ? null : min, double.IsPositiveInfinity(max) ? null : max);
        var s = Scalar(key, expected);
        if (!double.TryParse(s.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value < min || value > max)
            throw Bad(key, s, expected);
        return value;
    }

    /// <summary>A finite number &gt; <paramref name="above"/> (and ≤ <paramref name="max"/>), e.g. a learning rate or an epsilon.</summary>
    public double GetDoubleAbove(string key, double above, double max = double.PositiveInfinity)
    {
        var expected = $"a finite number > {above.ToString(CultureInfo.InvariantCulture)}" + (double.IsPositiveInfinity(max) ? "" : $" and ≤ {max.ToString(CultureInfo.InvariantCulture)}");
        var s = Scalar(key, expected);
        if (!double.TryParse(s.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value <= above || value > max)
            throw Bad(key, s, expected);
        return value;
    }

    public double? GetDoubleOrNull(string key, double min = double.NegativeInfinity, double max = double.PositiveInfinity) =>
        IsSet(key) ? GetDouble(key, min, max) : null;

    public bool GetBool(string key)
    {
        const string expected = "true or false";
        var s = Scalar(key, expected);
        return s.Text switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw Bad(key, s, expected),
        };
    }

    public bool? GetBoolOrNull(string key) => IsSet(key) ? GetBool(key) : null;

    /// <summary>The longest duration any setting may take: longer is a typo (and past TimeSpan's range, an overflow).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(365);

    /// <summary>A duration &gt; 0 and at most <see cref="MaxDuration"/> (every duration setting is a time-out, lease or backoff).</summary>
    public TimeSpan GetDuration(string key)
    {
        const string expected = "a duration such as 500ms, 10s, 2m or 1h, > 0 and at most 365d";
        var s = Scalar(key, expected);
        var m = DurationPattern().Match(s.Text);
        if (!m.Success) throw Bad(key, s, expected);
        var amount = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        double? milliseconds = m.Groups[2].Value switch
        {
            "ms" or "millis" or "milliseconds" => amount,
            "" or "s" or "second" or "seconds" => amount * 1e3,
            "m" or "minute" or "minutes" => amount * 60e3,
            "h" or "hour" or "hours" => amount * 3600e3,
            "d" or "day" or "days" => amount * 86400e3,
            _ => null,
        };
        // Compared as a double first: TimeSpan.FromDays(3e7) throws OverflowException.
        if (milliseconds is not { } ms || !double.IsFinite(ms) || ms > MaxDuration.TotalMilliseconds || ms <= 0)
            throw Bad(key, s, expected);
        return TimeSpan.FromMilliseconds(ms);
    }

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$")]
    private static partial Regex DurationPattern();

    /// <summary>
    /// A size in bytes such as 120000, 64KiB, 512MiB or 2GiB (HOCON's binary units; kB, MB and GB are powers of ten),
    /// in [<paramref name="min"/>, <paramref name="max"/>].
    /// </summary>
    public long GetByteSize(string key, long min, long max)
    {
        var expected = $"a size such as 120000b, 64KiB, 512MiB or 2GiB, in [{FormatBytes(min)}, {FormatBytes(max)}]";
        var s = Scalar(key, expected);
        var m = ByteSizePattern().Match(s.Text);
        if (!m.Success) throw Bad(key, s, expected);
        long? unit = m.Groups[2].Value switch
        {
            "" or "b" or "B" => 1,
            "k" or "K" or "KiB" => 1L << 10,
            "kB" => 1000,
            "M" or "MiB" => 1L << 20,
            "MB" => 1_000_000,
            "G" or "GiB" => 1L << 30,
            "GB" => 1_000_000_000,
            _ => null,
        };
        // In decimal first: 99999999999GiB overflows a long.
        if (unit is not { } u || !decimal.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            || amount * u < min || amount * u > max)
            throw Bad(key, s, expected);
        return (long)(amount * u);
    }

    private static string FormatBytes(long bytes) =>
        bytes % (1L << 30) == 0 ? $"{bytes >> 30}GiB" : bytes % (1L << 20) == 0 ? $"{bytes >> 20}MiB" : bytes % 1024 == 0 ? $"{bytes >> 10}KiB" : $"{bytes}b";

    [GeneratedRegex(@"^\s*(\d{1,18})\s*([A-Za-z]*)\s*$")]
    private static partial Regex ByteSizePattern();

    public IReadOnlyList<string> GetStringList(string key) =>
        List(key, "a list of strings").Select(item => item is HoconScalar { Kind: not HoconScalarKind.Null } s
            ? s.Text
            : throw Bad(key, item, "a list of strings")).ToList();

    public IReadOnlyList<int> GetIntList(string key) =>
        List(key, "a list of whole numbers").Select(item => item is HoconScalar s && int.TryParse(s.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw Bad(key, item, "a list of whole numbers")).ToList();

    public IReadOnlyList<double> GetDoubleList(string key) =>
        List(key, "a list of finite numbers").Select(item => item is HoconScalar s && double.TryParse(s.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw Bad(key, item, "a list of finite numbers")).ToList();

    /// <summary>An error about <paramref name="key"/> for checks that involve several keys.</summary>
    public SettingsException Fail(string key, string problem)
    {
        var node = Find(key);
        return new SettingsException(Full(key), node?.Position.Source, node?.Position.Line, problem);
    }

    private IReadOnlyList<HoconNode> List(string key, string expected)
    {
        var node = Require(key, expected);
        return node is HoconArray a ? a.Items : throw Bad(key, node, expected);
    }

    private HoconScalar Scalar(string key, string expected)
    {
        var node = Require(key, expected);
        if (node is HoconScalar { Kind: not HoconScalarKind.Null } s) return s;
        throw Bad(key, node, expected);
    }

    private HoconNode Require(string key, string expected) =>
        Find(key) ?? throw new SettingsException(Full(key), null, null, $"missing; expected {expected}");

    private HoconNode? Find(string key) => HoconResolver.Find(_root, Full(key));

    private string Full(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    private SettingsException Bad(string key, HoconNode node, string expected) =>
        new(Full(key), node.Position.Source, node.Position.Line, $"expected {expected}, got {node.Describe()}");

    private static string Range(object? min, object? max) => (min, max) switch
    {
        (null, null) => "",
        (not null, null) => $" ≥ {Format(min)}",
        (null, not null) => $" ≤ {Format(max)}",
        _ => $" in [{Format(min)}, {Format(max)}]",
    };

    private static string Format(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}

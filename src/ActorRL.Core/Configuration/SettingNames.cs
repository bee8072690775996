using System.Collections.Concurrent;
using System.Text;

namespace ActorRL.Core.Configuration;

/// <summary>
/// How an enum of settings is spelled in HOCON: each member's name in kebab case
/// (<c>SequenceToken</c> ↔ <c>sequence-token</c>). One spelling, derived, so the enum is the list of allowed values.
/// </summary>
public static class SettingNames
{
    private static readonly ConcurrentDictionary<Type, string[]> Cache = new();

    /// <summary>The configuration name of <paramref name="value"/>.</summary>
    public static string Of<T>(T value) where T : struct, Enum => Kebab(value.ToString());

    /// <summary>Every allowed name of <typeparamref name="T"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum =>
        Cache.GetOrAdd(typeof(T), _ => Enum.GetNames<T>().Select(Kebab).ToArray());

    /// <summary>The member named <paramref name="name"/>, or null.</summary>
    public static T? Parse<T>(string name) where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
            if (Of(value) == name) return value;
        return null;
    }

    private static string Kebab(string name)
    {
        var s = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) s.Append('-');
            s.Append(char.ToLowerInvariant(name[i]));
        }
        return s.ToString();
    }
}

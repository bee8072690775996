using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorRL.Tasks.Countdown;

/// <summary>Reach <see cref="Target"/> from <see cref="Numbers"/> with + − × ÷.</summary>
public sealed partial record CountdownProblem(IReadOnlyList<int> Numbers, int Target)
{
    /// <summary>The prompt text, e.g. <c>Use 3 7 25 50 to make 75:</c>.</summary>
    public string Prompt => $"Use {string.Join(' ', Numbers)} to make {Target.ToString(CultureInfo.InvariantCulture)}:";

    /// <summary>The gold string carried by a prompt, e.g. <c>target=75 numbers=3,7,25,50</c>.</summary>
    public string Gold => $"target={Target.ToString(CultureInfo.InvariantCulture)} numbers={string.Join(',', Numbers)}";

    /// <summary>Reads a <see cref="Gold"/> string; a malformed one is a <see cref="FormatException"/> naming it.</summary>
    public static CountdownProblem ParseGold(string gold)
    {
        var m = GoldPattern().Match(gold);
        if (!m.Success) throw new FormatException($"'{gold}' is not a countdown gold answer; expected 'target=75 numbers=3,7,25,50'");
        var numbers = m.Groups[2].Value.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList();
        return new CountdownProblem(numbers, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^\s*target=(\d{1,9})\s+numbers=(\d{1,9}(?:,\d{1,9})*)\s*$")]
    private static partial Regex GoldPattern();
}

using ActorRL.Core.Configuration;

namespace ActorRL.Tasks.Arithmetic;

/// <summary>How demonstrations are written: with column steps, the answer alone, or either at random (half each).</summary>
public enum DemoStyle { Step, Direct, Mixed }

/// <summary>Difficulty and demonstration settings of the arithmetic task (<c>actorrl.task.arithmetic</c>).</summary>
/// <param name="DigitsMin">Fewest digits of an operand.</param>
/// <param name="DigitsMax">Most digits of an operand (each operand draws its length independently).</param>
/// <param name="Operations">Operations to draw from: any of + - *.</param>
/// <param name="NegativeResults">Whether a subtraction may have a negative result (else the larger operand comes first).</param>
/// <param name="DemoStyle">How demonstrations are written.</param>
/// <param name="DemoMistakeRate">Fraction of demonstrations with one deliberate mistake.</param>
public sealed record ArithmeticSettings(
    int DigitsMin,
    int DigitsMax,
    IReadOnlyList<char> Operations,
    bool NegativeResults,
    DemoStyle DemoStyle,
    double DemoMistakeRate)
{
    /// <summary>Nine digits keep every product within a 64-bit integer.</summary>
    public const int MaxDigits = 9;

    public static ArithmeticSettings FromConfig(SettingsReader r)
    {
        var min = r.GetInt("digits-min", 1, MaxDigits);
        var max = r.GetInt("digits-max", 1, MaxDigits);
        if (max < min) throw r.Fail("digits-max", $"must be ≥ digits-min ({min}), got {max}");
        var operations = r.GetStringList("operations");
        if (operations.Count == 0) throw r.Fail("operations", "must list at least one of \"+\", \"-\", \"*\"");
        foreach (var op in operations)
            if (op is not ("+" or "-" or "*"))
                throw r.Fail("operations", $"allowed operations are \"+\", \"-\", \"*\"; got \"{op}\"");
        if (operations.Distinct().Count() != operations.Count) throw r.Fail("operations", "lists an operation twice");
        var style = r.GetEnum("demo-style", "step", "direct", "mixed") switch
        {
            "step" => DemoStyle.Step,
            "direct" => DemoStyle.Direct,
            _ => DemoStyle.Mixed,
        };
        return new ArithmeticSettings(min, max, operations.Select(op => op[0]).ToList(), r.GetBool("negative-results"),
            style, r.GetDouble("demo-mistake-rate", 0, 1));
    }

    /// <summary>How many distinct problems these settings can produce (the eval split must leave room for training).</summary>
    public double ProblemCount
    {
        get
        {
            double operands = 0;
            for (var d = DigitsMin; d <= DigitsMax; d++) operands += d == 1 ? 10 : 9 * Math.Pow(10, d - 1);
            // Without negative results a subtraction and its swapped twin are the same problem.
            return Operations.Sum(op => op == '-' && !NegativeResults ? operands * (operands + 1) / 2 : operands * operands);
        }
    }
}

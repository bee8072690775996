using ActorRL.Tasks.Numerics;

namespace ActorRL.Tasks.MathAnswers;

/// <summary>
/// The value of an expression: exact when it is rational (integers, decimals, fractions and arithmetic on them),
/// otherwise only the double <see cref="Approximate"/> (roots, π, functions, variables). NaN means undefined.
/// </summary>
public readonly record struct MathValue(Rational? Exact, double Approximate)
{
    public static MathValue Of(Rational value) => new(value, value.ToDouble());
    public static MathValue Inexact(double value) => new(null, value);
    public static MathValue Undefined => new(null, double.NaN);

    public bool IsDefined => !double.IsNaN(Approximate);

    /// <summary>
    /// Two exact values of which one is an integer must be identical (1,000,001 is not "close" to 1,000,000, nor is
    /// 1,000,000.5). Anything else — two non-integer fractions or decimals, irrational values — matches within a
    /// relative <paramref name="tolerance"/> (values below 1e-6·tolerance count as zero), so 0.3333333 matches 1/3 at
    /// the default 1e-6 while 0.333 does not. Infinities equal only themselves; undefined equals nothing.
    /// </summary>
    public bool Matches(MathValue other, double tolerance)
    {
        if (Exact is { } a && other.Exact is { } b && (a == b || a.IsInteger || b.IsInteger)) return a == b;
        double x = Approximate, y = other.Approximate;
        if (double.IsNaN(x) || double.IsNaN(y)) return false;
        if (double.IsInfinity(x) || double.IsInfinity(y)) return x == y;
        var scale = Math.Max(1e-6, Math.Max(Math.Abs(x), Math.Abs(y)));
        return Math.Abs(x - y) <= tolerance * scale;
    }

    public override string ToString() => Exact?.ToString() ?? Approximate.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

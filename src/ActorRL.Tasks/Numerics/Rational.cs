using System.Globalization;
using System.Numerics;

namespace ActorRL.Tasks.Numerics;

/// <summary>
/// An exact fraction in lowest terms with a positive denominator: the value of integers, decimals and fractions
/// and of arithmetic on them, so integers compare exactly (1,000,001 is not "close enough" to 1,000,000).
/// </summary>
public readonly record struct Rational
{
    /// <summary>Results whose numerator or denominator would exceed this many bits are refused (see <see cref="TryPow"/>).</summary>
    public const int MaxBits = 4096;

    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero) throw new DivideByZeroException("a rational with denominator 0");
        if (denominator.Sign < 0) (numerator, denominator) = (-numerator, -denominator);
        var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!gcd.IsOne && !gcd.IsZero) (numerator, denominator) = (numerator / gcd, denominator / gcd);
        Numerator = numerator;
        Denominator = denominator;
    }

    public BigInteger Numerator { get; }
    public BigInteger Denominator { get; }

    public static Rational Zero => new(0, 1);
    public static Rational One => new(1, 1);

    public bool IsInteger => Denominator.IsOne;
    public bool IsZero => Numerator.IsZero;
    public int Sign => Numerator.Sign;

    public static Rational FromInteger(BigInteger value) => new(value, 1);

    /// <summary>Parses digits with an optional decimal point (<c>12</c>, <c>0.5</c>, <c>.5</c>, <c>3.</c>).</summary>
    public static bool TryParseDecimal(string text, out Rational value)
    {
        value = Zero;
        var dot = text.IndexOf('.');
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? "" : text[(dot + 1)..];
        if (whole.Length + fraction.Length == 0 || !(whole + fraction).All(char.IsAsciiDigit)) return false;
        var digits = BigInteger.Parse("0" + whole + fraction, CultureInfo.InvariantCulture);
        value = new Rational(digits, BigInteger.Pow(10, fraction.Length));
        return true;
    }

    public static Rational operator +(Rational a, Rational b) =>
        new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Rational operator -(Rational a, Rational b) =>
        new(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Rational operator *(Rational a, Rational b) =>
        new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static Rational operator -(Rational a) => new(-a.Numerator, a.Denominator);

    /// <summary>Division; false when dividing by zero.</summary>
    public static bool TryDivide(Rational a, Rational b, out Rational quotient)
    {
        quotient = Zero;
        if (b.IsZero) return false;
        quotient = new Rational(a.Numerator * b.Denominator, a.Denominator * b.Numerator);
        return true;
    }

    /// <summary>
    /// Integer power; false for 0 to a negative power or when the result would exceed <see cref="MaxBits"/>
    /// (so a response such as <c>9^9^9</c> cannot make the checker spin on a gigantic number).
    /// </summary>
    public static bool TryPow(Rational b, BigInteger exponent, out Rational result)
    {
        result = Zero;
        if (b.IsZero) { result = exponent.Sign > 0 ? Zero : One; return exponent.Sign >= 0; }
        var bits = Math.Max(b.Numerator.GetBitLength(), b.Denominator.GetBitLength());
        if (BigInteger.Abs(exponent) * bits > MaxBits) return false;
        var e = (int)BigInteger.Abs(exponent);
        var n = BigInteger.Pow(b.Numerator, e);
        var d = BigInteger.Pow(b.Denominator, e);
        result = exponent.Sign >= 0 ? new Rational(n, d) : new Rational(d, n);
        return true;
    }

    public double ToDouble()
    {
        // Both parts beyond double range (e.g. 10^400 / 3·10^399): drop common low bits before dividing.
        var common = Math.Min(Numerator.IsZero ? 0 : BigInteger.Abs(Numerator).GetBitLength(), Denominator.GetBitLength());
        var shift = (int)Math.Max(0, common - 960);
        return (double)(Numerator >> shift) / (double)(Denominator >> shift);
    }

    public override string ToString() => IsInteger
        ? Numerator.ToString(CultureInfo.InvariantCulture)
        : $"{Numerator.ToString(CultureInfo.InvariantCulture)}/{Denominator.ToString(CultureInfo.InvariantCulture)}";
}

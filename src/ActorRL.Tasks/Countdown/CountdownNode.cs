using System.Globalization;
using ActorRL.Tasks.Numerics;

namespace ActorRL.Tasks.Countdown;

/// <summary>An arithmetic expression over given numbers: a number, or an operation (+ - * /) on two expressions.</summary>
public abstract record CountdownNode
{
    /// <summary>Written with the fewest parentheses that keep its meaning, e.g. <c>(50-25)*3</c>.</summary>
    public abstract string Write();

    internal abstract int Precedence { get; }
}

public sealed record CountdownNumber(int Value) : CountdownNode
{
    public override string Write() => Value.ToString(CultureInfo.InvariantCulture);
    internal override int Precedence => 3;
}

public sealed record CountdownOperation(char Operator, CountdownNode Left, CountdownNode Right) : CountdownNode
{
    internal override int Precedence => Operator is '+' or '-' ? 1 : 2;

    public override string Write()
    {
        var left = Left.Precedence < Precedence ? $"({Left.Write()})" : Left.Write();
        // a-(b+c) and a/(b*c) need their parentheses; a+(b+c) does not.
        var rightNeedsParens = Right.Precedence < Precedence || (Right.Precedence == Precedence && Operator is '-' or '/');
        var right = rightNeedsParens ? $"({Right.Write()})" : Right.Write();
        return left + Operator + right;
    }

    public static Rational? Apply(char op, Rational a, Rational b) => op switch
    {
        '+' => a + b,
        '-' => a - b,
        '*' => a * b,
        '/' => Rational.TryDivide(a, b, out var q) ? q : null,
        _ => null,
    };
}

using System.Numerics;
using ActorRL.Tasks.Numerics;

namespace ActorRL.Tasks.MathAnswers;

/// <summary>
/// Evaluates an expression tree, exactly where the arithmetic allows (rationals, integer powers, perfect-square
/// roots, factorials) and in doubles elsewhere. Division by zero and other undefined operations give
/// <see cref="MathValue.Undefined"/>, never an exception.
/// </summary>
public static class MathEvaluator
{
    /// <summary>The largest n for which n! is computed (170! is the largest factorial a double holds).</summary>
    private const int MaxFactorial = 170;

    public static MathValue Evaluate(MathNode node, IReadOnlyDictionary<string, double>? variables = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        return node switch
        {
            NumberNode n => MathValue.Of(n.Value),
            VariableNode v => variables is not null && variables.TryGetValue(v.Name, out var x) ? MathValue.Inexact(x) : MathValue.Undefined,
            ConstantNode { Constant: MathConstant.Pi } => MathValue.Inexact(Math.PI),
            ConstantNode => MathValue.Inexact(double.PositiveInfinity),
            NegateNode neg => Negate(Evaluate(neg.Operand, variables, cancellation)),
            BinaryNode b => Binary(b.Operator, Evaluate(b.Left, variables, cancellation), Evaluate(b.Right, variables, cancellation)),
            FunctionNode f => Function(f.Name, Evaluate(f.Argument, variables, cancellation)),
            RootNode r => Root(Evaluate(r.Degree, variables, cancellation), Evaluate(r.Radicand, variables, cancellation)),
            _ => MathValue.Undefined,
        };
    }

    /// <summary>The free variables of an expression (π and ∞ are constants, not variables).</summary>
    public static SortedSet<string> Variables(MathNode node)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        Collect(node);
        return names;

        void Collect(MathNode n)
        {
            switch (n)
            {
                case VariableNode v: names.Add(v.Name); break;
                case NegateNode neg: Collect(neg.Operand); break;
                case BinaryNode b: Collect(b.Left); Collect(b.Right); break;
                case FunctionNode f: Collect(f.Argument); break;
                case RootNode r: Collect(r.Degree); Collect(r.Radicand); break;
            }
        }
    }

    private static MathValue Negate(MathValue v) => v.Exact is { } e ? MathValue.Of(-e) : MathValue.Inexact(-v.Approximate);

    private static MathValue Binary(char op, MathValue a, MathValue b)
    {
        if (a.Exact is { } x && b.Exact is { } y)
        {
            switch (op)
            {
                case '+': return MathValue.Of(x + y);
                case '-': return MathValue.Of(x - y);
                case '*': return MathValue.Of(x * y);
                case '/': return Rational.TryDivide(x, y, out var q) ? MathValue.Of(q) : MathValue.Undefined;
                case '^' when y.IsInteger:
                    if (Rational.TryPow(x, y.Numerator, out var p)) return MathValue.Of(p);
                    break;
                case '^' when x.Sign >= 0 && ExactRoot(x, y.Denominator) is { } root:
                    // 4^{1/2}, 8^{2/3}: a perfect root keeps the value exact.
                    if (Rational.TryPow(root, y.Numerator, out var rp)) return MathValue.Of(rp);
                    break;
            }
        }
        double u = a.Approximate, w = b.Approximate;
        return op switch
        {
            '+' => MathValue.Inexact(u + w),
            '-' => MathValue.Inexact(u - w),
            '*' => MathValue.Inexact(u * w),
            '/' => w == 0 ? MathValue.Undefined : MathValue.Inexact(u / w),
            '^' => MathValue.Inexact(Math.Pow(u, w)),
            _ => MathValue.Undefined,
        };
    }

    private static MathValue Function(string name, MathValue v)
    {
        var x = v.Approximate;
        switch (name)
        {
            case "sqrt":
                if (v.Exact is { } e && e.Sign >= 0 && ExactRoot(e, 2) is { } root) return MathValue.Of(root);
                return x < 0 ? MathValue.Undefined : MathValue.Inexact(Math.Sqrt(x));
            case "abs":
                return v.Exact is { } a ? MathValue.Of(a.Sign < 0 ? -a : a) : MathValue.Inexact(Math.Abs(x));
            case "factorial":
                return v.Exact is { IsInteger: true } n && n.Sign >= 0 && n.Numerator <= MaxFactorial
                    ? MathValue.Of(Rational.FromInteger(Factorial((int)n.Numerator)))
                    : MathValue.Undefined;
            case "sin": return MathValue.Inexact(Math.Sin(x));
            case "cos": return MathValue.Inexact(Math.Cos(x));
            case "tan": return MathValue.Inexact(Math.Tan(x));
            case "exp": return MathValue.Inexact(Math.Exp(x));
            case "ln": return x <= 0 ? MathValue.Undefined : MathValue.Inexact(Math.Log(x));
            // log is read as base 10 (base-2 forms such as \log_2 8 do not parse and fall back to text comparison).
            case "log": return x <= 0 ? MathValue.Undefined : MathValue.Inexact(Math.Log10(x));
            default: return MathValue.Undefined;
        }
    }

    private static MathValue Root(MathValue degree, MathValue radicand)
    {
        if (degree.Exact is { IsInteger: true } d && d.Sign > 0 && d.Numerator <= 64)
        {
            var n = (int)d.Numerator;
            if (radicand.Exact is { } r)
            {
                var negative = r.Sign < 0;
                if (negative && n % 2 == 0) return MathValue.Undefined;
                if (ExactRoot(negative ? -r : r, n) is { } root) return MathValue.Of(negative ? -root : root);
            }
            var x = radicand.Approximate;
            if (x < 0) return n % 2 == 0 ? MathValue.Undefined : MathValue.Inexact(-Math.Pow(-x, 1.0 / n));
            return MathValue.Inexact(Math.Pow(x, 1.0 / n));
        }
        return MathValue.Inexact(Math.Pow(radicand.Approximate, 1.0 / degree.Approximate));
    }

    /// <summary>The exact n-th root of a non-negative rational when numerator and denominator are perfect powers.</summary>
    private static Rational? ExactRoot(Rational value, BigInteger degree)
    {
        if (degree <= 0 || degree > 64) return null;
        var n = (int)degree;
        return IntegerRoot(value.Numerator, n) is { } p && IntegerRoot(value.Denominator, n) is { } q ? new Rational(p, q) : null;
    }

    private static BigInteger? IntegerRoot(BigInteger value, int n)
    {
        if (value.Sign < 0) return null;
        if (value < 2) return value;
        if (value.GetBitLength() > 1000) return null; // beyond a double's range; stay inexact
        // A double estimate, then correct by ±1 — exact for the sizes answers have.
        var estimate = new BigInteger(Math.Round(Math.Pow((double)value, 1.0 / n)));
        for (var candidate = BigInteger.Max(0, estimate - 1); candidate <= estimate + 1; candidate++)
            if (BigInteger.Pow(candidate, n) == value) return candidate;
        return null;
    }

    private static BigInteger Factorial(int n)
    {
        BigInteger result = 1;
        for (var i = 2; i <= n; i++) result *= i;
        return result;
    }
}

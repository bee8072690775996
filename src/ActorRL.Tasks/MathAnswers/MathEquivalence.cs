using ActorRL.Tasks.Numerics;
using ActorRL.Tasks.Randomness;

namespace ActorRL.Tasks.MathAnswers;

/// <summary>
/// Decides whether two final answers are mathematically the same. Integers compare exactly, other values
/// within a relative tolerance (see <see cref="MathValue.Matches"/>); expressions with variables are evaluated at several
/// pseudo-random points (so <c>(x+1)^2</c> equals <c>x^2+2x+1</c>); tuples and intervals compare in order with
/// their brackets; sets and unions ignore order; a percent may be matched by its value or its fraction
/// (28% vs 28 or 0.28). Anything that cannot be parsed equals only identical text.
/// <para>
/// The percent rule: a % on either side lets the other side match the value as written or the fraction it means, so
/// "oxed{50\%}" is right for a GSM8K gold 50 and for a gold 0.5 — the Qwen2.5-Math evaluator's grader accepts both
/// too. Without a % on either side the numbers must agree as written: that grader also lets 0.5 or 5000 match 50
/// (it tries gold/100 and gold·100 always), which would make wrong answers right, so we do not.
/// </para>
/// </summary>
public sealed class MathEquivalence(double tolerance = MathEquivalence.DefaultTolerance)
{
    public const double DefaultTolerance = 1e-6;

    /// <summary>How many points expressions with variables are compared at.</summary>
    private const int SamplePoints = 6;

    /// <summary>At least this many points must be defined on both sides for an equality to count.</summary>
    private const int MinDefinedPoints = 3;

    public double Tolerance { get; } = tolerance > 0 && double.IsFinite(tolerance)
        ? tolerance
        : throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "must be a positive number");

    /// <summary>True when the raw answers (LaTeX allowed) denote the same mathematical object; empty is never equal.</summary>
    public bool AreEquivalent(string goldAnswer, string answer, CancellationToken cancellation = default)
    {
        var gold = LatexNormalizer.Normalize(goldAnswer);
        var candidate = LatexNormalizer.Normalize(answer);
        if (gold.Length == 0 || candidate.Length == 0) return false;
        if (Compact(gold) == Compact(candidate)) return true;
        var goldShape = AnswerShapeParser.Parse(gold, cancellation);
        var candidateShape = AnswerShapeParser.Parse(candidate, cancellation);
        return goldShape is not null && candidateShape is not null && Same(goldShape, candidateShape, cancellation);
    }

    private static string Compact(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));

    private bool Same(AnswerShape a, AnswerShape b, CancellationToken cancellation) => (a, b) switch
    {
        (ScalarAnswer x, ScalarAnswer y) => SameScalar(x, y, cancellation),
        (TextAnswer x, TextAnswer y) => x.Text == y.Text,
        (BracketedAnswer x, BracketedAnswer y) => x.Open == y.Open && x.Close == y.Close && SameInOrder(x.Items, y.Items, cancellation),
        (SetAnswer x, SetAnswer y) => SameInAnyOrder(x.Items, y.Items, cancellation),
        (UnionAnswer x, UnionAnswer y) => SameInAnyOrder(x.Parts, y.Parts, cancellation),
        (EquationAnswer x, EquationAnswer y) => SameEquation(x, y, cancellation),
        (UnparsedAnswer x, UnparsedAnswer y) => Compact(x.Text) == Compact(y.Text),
        _ => false,
    };

    private bool SameInOrder(IReadOnlyList<AnswerShape> xs, IReadOnlyList<AnswerShape> ys, CancellationToken cancellation)
    {
        if (xs.Count != ys.Count) return false;
        for (var i = 0; i < xs.Count; i++)
            if (!Same(xs[i], ys[i], cancellation)) return false;
        return true;
    }

    /// <summary>A perfect matching between the two lists (greedy suffices: equivalence is transitive).</summary>
    private bool SameInAnyOrder(IReadOnlyList<AnswerShape> xs, IReadOnlyList<AnswerShape> ys, CancellationToken cancellation)
    {
        if (xs.Count != ys.Count) return false;
        var used = new bool[ys.Count];
        foreach (var x in xs)
        {
            var match = -1;
            for (var j = 0; j < ys.Count && match < 0; j++)
                if (!used[j] && Same(x, ys[j], cancellation)) match = j;
            if (match < 0) return false;
            used[match] = true;
        }
        return true;
    }

    private bool SameScalar(ScalarAnswer x, ScalarAnswer y, CancellationToken cancellation)
    {
        if (x.Percent == y.Percent) return SameExpression(x.Expression, y.Expression, cancellation);
        // 28% matches 28 (the value as written) and 0.28 (the fraction it means).
        var (percent, plain) = x.Percent ? (x.Expression, y.Expression) : (y.Expression, x.Expression);
        return SameExpression(percent, plain, cancellation)
            || SameExpression(new BinaryNode('/', percent, new NumberNode(Rational.FromInteger(100))), plain, cancellation);
    }

    /// <summary>lhs − rhs must agree up to sign (the sides may be swapped).</summary>
    private bool SameEquation(EquationAnswer x, EquationAnswer y, CancellationToken cancellation)
    {
        var dx = new BinaryNode('-', x.Left, x.Right);
        return SameExpression(dx, new BinaryNode('-', y.Left, y.Right), cancellation)
            || SameExpression(dx, new BinaryNode('-', y.Right, y.Left), cancellation);
    }

    /// <summary>Equal values; with free variables, equal at every sample point where both are defined.</summary>
    public bool SameExpression(MathNode a, MathNode b, CancellationToken cancellation = default)
    {
        var variables = MathEvaluator.Variables(a);
        variables.UnionWith(MathEvaluator.Variables(b));
        if (variables.Count == 0)
            return MathEvaluator.Evaluate(a, null, cancellation).Matches(MathEvaluator.Evaluate(b, null, cancellation), Tolerance);

        // Fixed seed: the verdict on a pair of answers never changes between runs.
        var random = new SplitMix64(StableHash.Of(string.Join(",", variables)));
        var defined = 0;
        for (var point = 0; point < SamplePoints; point++)
        {
            // Positive, non-integer points keep roots and logarithms defined and avoid accidental coincidences.
            var values = variables.ToDictionary(v => v, _ => 0.5 + 2.5 * random.NextDouble());
            var va = MathEvaluator.Evaluate(a, values, cancellation);
            var vb = MathEvaluator.Evaluate(b, values, cancellation);
            if (!va.IsDefined && !vb.IsDefined) continue;
            if (!va.Matches(vb, Tolerance)) return false;
            defined++;
        }
        return defined >= MinDefinedPoints;
    }
}

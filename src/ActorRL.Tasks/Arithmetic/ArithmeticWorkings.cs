using System.Globalization;
using ActorRL.Tasks.Randomness;

namespace ActorRL.Tasks.Arithmetic;

/// <summary>
/// Writes the worked solution of an <see cref="ArithmeticProblem"/> in the task's response format:
/// short column steps from the ones digit up, then the final answer line. Examples:
/// <code>
/// 47+85: 7+5=12, 4+8+1=13. Answer: 132
/// 85-47: 15-7=8, 8-4-1=3. Answer: 38
/// 47-85: -(85-47), 15-7=8, 8-4-1=3. Answer: -38
/// 23*45: 23*5=115, 23*4=92, 115+920=1035. Answer: 1035
/// 47+85: Answer: 132                       (direct style)
/// </code>
/// Addition steps show each column's sum (a carry is written as "+1"); subtraction steps show the column with a
/// borrowed ten already added and an incoming borrow as "-1"; multiplication shows one partial product per digit
/// of the right operand, then their shifted sum. A deliberate mistake alters one step by one unit and carries
/// the error through consistently, so the final answer agrees with the (wrong) working.
/// </summary>
public static class ArithmeticWorkings
{
    /// <summary>The completion that follows the prompt: " steps. Answer: n" or " Answer: n".</summary>
    /// <param name="mistakes">When non-null, one step is made wrong using this generator.</param>
    public static (string Text, long FinalAnswer) Write(ArithmeticProblem problem, bool stepByStep, SplitMix64? mistakes = null)
    {
        if (!stepByStep)
        {
            var answer = mistakes is null ? problem.Answer : Miscount(problem.Answer, mistakes);
            return (" Answer: " + Format(answer), answer);
        }
        var (steps, final) = problem.Operation switch
        {
            '+' => Add(problem.Left, problem.Right, mistakes),
            '-' => Subtract(problem.Left, problem.Right, mistakes),
            '*' => Multiply(problem.Left, problem.Right, mistakes),
            _ => throw new InvalidOperationException($"unknown operation '{problem.Operation}'"),
        };
        return (" " + string.Join(", ", steps) + ". Answer: " + Format(final), final);
    }

    private static (List<string> Steps, long Answer) Add(long a, long b, SplitMix64? mistakes)
    {
        var (x, y) = (Digits(a), Digits(b));
        var columns = Math.Max(x.Count, y.Count);
        var wrongColumn = mistakes is null ? -1 : (int)mistakes.NextLong(columns);
        var steps = new List<string>();
        long result = 0, place = 1;
        var carry = 0;
        for (var i = 0; i < columns; i++, place *= 10)
        {
            int u = At(x, i), w = At(y, i);
            var sum = u + w + carry;
            if (i == wrongColumn) sum = Nudge(sum, 0, 19, mistakes!);
            steps.Add(carry > 0 ? $"{u}+{w}+{carry}={sum}" : $"{u}+{w}={sum}");
            result += sum % 10 * place;
            carry = sum / 10;
        }
        return (steps, result + carry * place);
    }

    private static (List<string> Steps, long Answer) Subtract(long a, long b, SplitMix64? mistakes)
    {
        var steps = new List<string>();
        var negative = a < b;
        if (negative)
        {
            (a, b) = (b, a);
            steps.Add($"-({a}-{b})");
        }
        var (x, y) = (Digits(a), Digits(b));
        var wrongColumn = mistakes is null ? -1 : (int)mistakes.NextLong(x.Count);
        long result = 0, place = 1;
        var borrow = 0;
        for (var i = 0; i < x.Count; i++, place *= 10)
        {
            int u = x[i], w = At(y, i);
            var needsTen = u - borrow < w;
            var top = needsTen ? u + 10 : u;
            var digit = top - w - borrow;
            if (i == wrongColumn) digit = Nudge(digit, 0, 9, mistakes!);
            steps.Add(borrow > 0 ? $"{top}-{w}-1={digit}" : $"{top}-{w}={digit}");
            result += digit * place;
            borrow = needsTen ? 1 : 0;
        }
        return (steps, negative ? -result : result);
    }

    private static (List<string> Steps, long Answer) Multiply(long a, long b, SplitMix64? mistakes)
    {
        var y = Digits(b);
        var wrongDigit = mistakes is null ? -1 : (int)mistakes.NextLong(y.Count);
        var steps = new List<string>();
        var shifted = new List<long>();
        long place = 1;
        for (var i = 0; i < y.Count; i++, place *= 10)
        {
            var partial = a * y[i];
            if (i == wrongDigit) partial = Miscount(partial, mistakes!);
            steps.Add($"{a}*{y[i]}={partial}");
            shifted.Add(partial * place);
        }
        var total = shifted.Sum();
        if (shifted.Count > 1) steps.Add($"{string.Join("+", shifted)}={total}");
        return (steps, total);
    }

    /// <summary>Moves a value one unit up or down, staying in [min, max].</summary>
    private static int Nudge(int value, int min, int max, SplitMix64 random)
    {
        var delta = random.Chance(0.5) ? 1 : -1;
        return value + delta < min || value + delta > max ? value - delta : value + delta;
    }

    /// <summary>A plausible slip: one digit of the number off by one (never negative, never unchanged).</summary>
    private static long Miscount(long value, SplitMix64 random)
    {
        var magnitude = Math.Abs(value);
        var digits = Math.Max(1, Digits(magnitude).Count);
        var step = (long)Math.Pow(10, random.NextLong(digits));
        var up = random.Chance(0.5) || magnitude < step;
        var changed = up ? magnitude + step : magnitude - step;
        return value < 0 ? -changed : changed;
    }

    /// <summary>Decimal digits, ones first (0 has the single digit 0).</summary>
    private static List<int> Digits(long value)
    {
        var digits = new List<int>();
        do
        {
            digits.Add((int)(value % 10));
            value /= 10;
        } while (value > 0);
        return digits;
    }

    private static int At(List<int> digits, int i) => i < digits.Count ? digits[i] : 0;

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}

using ActorRL.Tasks.Numerics;
using ActorRL.Tasks.Randomness;

namespace ActorRL.Tasks.Countdown;

/// <summary>
/// Draws solvable countdown problems: it picks the numbers, then combines them (all of them when
/// <see cref="CountdownSettings.UseAll"/>) by random operations into a solution whose value becomes the target.
/// Intermediate results stay positive integers (no zero, no fractions), so the solution is valid under every rule set.
/// </summary>
public static class CountdownGenerator
{
    private const int MaxAttempts = 10_000;
    private static readonly char[] Operators = ['+', '-', '*', '/'];

    public static (CountdownProblem Problem, CountdownNode Solution) Draw(CountdownSettings settings, SplitMix64 random)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var count = random.NextInt(settings.NumbersMin, settings.NumbersMax);
            var numbers = Enumerable.Range(0, count).Select(_ => random.NextInt(1, settings.MaxNumber)).ToList();
            var used = settings.UseAll ? count : random.NextInt(2, count);
            var pool = numbers.Take(used).Select(n => (CountdownNode)new CountdownNumber(n)).ToList();
            var values = numbers.Take(used).Select(n => Rational.FromInteger(n)).ToList();
            var ok = true;
            while (pool.Count > 1 && ok)
            {
                var i = (int)random.NextLong(pool.Count);
                var j = (int)random.NextLong(pool.Count - 1);
                if (j >= i) j++;
                var op = Operators[random.NextLong(Operators.Length)];
                var value = CountdownOperation.Apply(op, values[i], values[j]);
                // Positive integers only: the solution must be valid whatever the fraction rule.
                if (value is not { IsInteger: true, Sign: > 0 } v) { ok = false; break; }
                var node = new CountdownOperation(op, pool[i], pool[j]);
                foreach (var k in new[] { i, j }.OrderDescending()) { pool.RemoveAt(k); values.RemoveAt(k); }
                pool.Add(node);
                values.Add(v);
            }
            if (!ok || values[0].Numerator > settings.MaxTarget) continue;
            var target = (int)values[0].Numerator;
            if (numbers.Contains(target)) continue; // trivial: the target is one of the numbers
            random.Shuffle(numbers);
            return (new CountdownProblem(numbers, target), pool[0]);
        }
        throw new InvalidOperationException(
            $"no countdown problem found in {MaxAttempts} attempts with max-number {settings.MaxNumber} and max-target {settings.MaxTarget}; raise max-target");
    }
}

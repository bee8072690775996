namespace ActorRL.Core.Tests.Algorithms;

/// <summary>Seeded random batches with ragged lengths, some tokens clipped and some not.</summary>
internal static class RandomBatches
{
    private static readonly string[] Vocabulary = { "a", " b", " c", ",", ".", " d", "\n", " ", "e!" };

    public static LossInputs Create(int seed, int responses = 4, int maxLength = 7, double logRatioStd = 0.3)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var lengths = Enumerable.Range(0, responses).Select(_ => rng.Next(1, maxLength + 1)).ToArray();
        lengths[0] = maxLength; // at least one full row, one shorter
        double[][] Rows(Func<int, int, double> value) =>
            lengths.Select((n, i) => Enumerable.Range(0, n).Select(t => value(i, t)).ToArray()).ToArray();
        var behaviour = Rows((_, _) => -0.1 - 3 * rng.NextDouble());
        var newLogp = Rows((i, t) => behaviour[i][t] + logRatioStd * Normal());
        return new LossInputs(newLogp, behaviour, Enumerable.Range(0, responses).Select(_ => Normal()).ToArray())
        {
            Proximal = Rows((i, t) => behaviour[i][t] + 0.1 * Normal()),
            Reference = Rows((i, t) => behaviour[i][t] + 0.2 * Normal()),
            Entropies = Rows((_, _) => 2 * rng.NextDouble()),
            Tokens = lengths.Select(n => Enumerable.Range(0, n).Select(_ => Vocabulary[rng.Next(Vocabulary.Length)]).ToArray()).ToArray(),
        };
    }

    public static LossInputs WithNewLogp(this LossInputs inputs, double[][] newLogp) => inputs with { NewLogp = newLogp };
}

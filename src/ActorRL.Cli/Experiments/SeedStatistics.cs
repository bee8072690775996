namespace ActorRL.Cli.Experiments;

/// <summary>A quantity over a cell's seeds: mean, sample standard deviation (n − 1; 0 for one seed), min and max.</summary>
public sealed record SeedStatistics(int Count, double Mean, double StdDev, double Min, double Max)
{
    public static SeedStatistics? Of(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        if (v.Count == 0) return null;
        var mean = v.Average();
        var sd = v.Count > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1)) : 0;
        return new SeedStatistics(v.Count, mean, sd, v.Min(), v.Max());
    }
}

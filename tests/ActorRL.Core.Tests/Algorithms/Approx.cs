namespace ActorRL.Core.Tests.Algorithms;

internal static class Approx
{
    public static void Equal(double expected, double actual, double tolerance = 1e-6, string? what = null)
    {
        if (!(Math.Abs(expected - actual) <= tolerance))
            Assert.Fail($"{what ?? "value"}: expected {expected} ± {tolerance}, got {actual}");
    }

    public static void Equal(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance = 1e-6, string? what = null)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++) Equal(expected[i], actual[i], tolerance, $"{what ?? "element"}[{i}]");
    }

    public static void All(double expected, IReadOnlyList<double> actual, double tolerance = 1e-6, string? what = null)
    {
        for (var i = 0; i < actual.Count; i++) Equal(expected, actual[i], tolerance, $"{what ?? "element"}[{i}]");
    }
}

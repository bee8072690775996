namespace ActorRL.Cli.Tests.Plotting;

public sealed class PlotCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-plot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertPng(string path, int minimumBytes = 10_000)
    {
        var file = new FileInfo(path);
        Assert.True(file.Exists, $"{path} missing");
        Assert.True(file.Length > minimumBytes, $"{path} is only {file.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(path)[..4]);
        // A chart, not a blank canvas: a readable size, and axes, labels and at least one series in several colours.
        using var bitmap = SkiaSharp.SKBitmap.Decode(path);
        Assert.True(bitmap.Width >= 400 && bitmap.Height >= 250, $"{path} is {bitmap.Width}×{bitmap.Height}");
        var colours = new HashSet<uint>();
        for (var y = 0; y < bitmap.Height; y += 3)
            for (var x = 0; x < bitmap.Width; x += 3)
                colours.Add((uint)bitmap.GetPixel(x, y));
        Assert.True(colours.Count >= 16, $"{path} has only {colours.Count} colours: a blank chart?");
    }

    [Fact]
    public async Task WritesANonEmptyPngPerChartAndAnOverviewIntoRunDirPlots()
    {
        SyntheticRun.WriteMetricsFile(_dir);
        var (code, output, error) = await CliRunner.Run("plot", _dir);

        Assert.True(code == 0, error);
        Assert.Equal("", error);
        var plots = Path.Combine(_dir, "plots");
        foreach (var name in new[] { "overview", "reward", "accuracy", "response_length", "clip_fraction", "entropy", "staleness", "loss_sft", "loss_rl", "learner_time" })
            AssertPng(Path.Combine(plots, name + ".png"));
        Assert.Contains("overview.png", output);
        Assert.Contains("groups = 8", output); // constant metrics are reported, not silently dropped
    }

    [Fact]
    public async Task OutChoosesTheDirectoryAndAMetricsFilePathWorksToo()
    {
        var metrics = SyntheticRun.WriteMetricsFile(_dir);
        var target = Path.Combine(_dir, "elsewhere");
        var (code, _, error) = await CliRunner.Run("plot", metrics, "--out", target);
        Assert.True(code == 0, error);
        AssertPng(Path.Combine(target, "overview.png"));
        Assert.False(Directory.Exists(Path.Combine(_dir, "plots")));
    }

    [Fact]
    public async Task MalformedLinesAreSkippedWithAWarningThatCountsThem()
    {
        SyntheticRun.WriteMetricsFile(_dir, ["not json", """{"kind":"rl","step":"""]);
        var lines = File.ReadAllLines(Path.Combine(_dir, "metrics.jsonl")).Length;
        var (code, _, error) = await CliRunner.Run("plot", _dir);

        Assert.Equal(0, code);
        Assert.Contains("warning: skipped 2 malformed line(s)", error);
        Assert.Contains($"line {lines - 1}, {lines}", error);
        AssertPng(Path.Combine(_dir, "plots", "reward.png"));
    }

    [Fact]
    public async Task AMissingMetricsFileIsBadUsageWithAClearMessage()
    {
        var (code, output, error) = await CliRunner.Run("plot", _dir);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains($"{_dir} has no metrics.jsonl", error);
        Assert.DoesNotContain("   at ", error);

        var missing = Path.Combine(_dir, "no-such-run");
        (code, _, error) = await CliRunner.Run("plot", missing);
        Assert.Equal(2, code);
        Assert.Contains($"no such run directory or metrics file: {missing}", error);
    }

    [Fact]
    public async Task AFileWithoutRecordsFailsWithoutWritingCharts()
    {
        File.WriteAllText(Path.Combine(_dir, "metrics.jsonl"), "\n");
        var (code, _, error) = await CliRunner.Run("plot", _dir);
        Assert.Equal(1, code);
        Assert.Contains("no metrics records yet", error);
        Assert.False(Directory.Exists(Path.Combine(_dir, "plots")));
    }
}

using ActorRL.Benchmarks.Model;
using Xunit.Abstractions;

namespace ActorRL.Benchmarks.Tests.Model;

public sealed class ModelBenchmarkTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Quick_benchmark_reports_every_measurement_of_every_case()
    {
        var output = new StringWriter();
        var code = await ModelBenchmark.RunAsync(output, ModelBenchmarkOptions.Quick with { SkipPeer = true, SettleMilliseconds = 0 });
        var report = output.ToString();
        Assert.Equal(0, code);
        foreach (var row in new[]
                 {
                     "### TinyGpt: d-model 32", "### Qwen3: hidden 32, 2 layers, 2 heads / 1 kv heads, head_dim 16, MLP 96",
                     "sampling 8 tokens, KV cache", "sampling 16 tokens, full recompute", "learner step 4 × 16",
                     "KV cache speed-up over full recompute at 16 tokens", "| TinyGpt | – | – | – |", "| Qwen3 | – | – | – |",
                 })
            Assert.Contains(row, report);
    }

    [Fact]
    public async Task A_missing_python_is_reported_not_thrown()
    {
        var output = new StringWriter();
        var code = await ModelBenchmark.RunAsync(output, ModelBenchmarkOptions.Quick with { Python = "/nonexistent/python3", SettleMilliseconds = 0 });
        Assert.Equal(1, code);
        Assert.Contains("PyTorch peer not measured (TinyGpt, Qwen3): /nonexistent/python3 not found", output.ToString());
    }

    /// <summary>
    /// The embedded peer against ours on tiny sizes: both cases start it, load our weights and score our sequences to
    /// within the tolerance — the guarantee that each ratio compares the same network. Skipped without Debian's
    /// python3-torch, except under CI=true.
    /// </summary>
    [SkippableFact]
    public async Task The_pytorch_peer_computes_our_log_probs_for_every_case()
    {
        var output = new StringWriter();
        var options = ModelBenchmarkOptions.Quick with { SettleMilliseconds = 0, ResponseLengths = [4], RecomputeRepetitions = [1] };
        var code = await ModelBenchmark.RunAsync(output, options);
        var report = output.ToString();
        log.WriteLine(report);
        var unavailable = report.Contains("PyTorch peer not measured", StringComparison.Ordinal)
                          && (report.Contains(" not found", StringComparison.Ordinal) || report.Contains("has no torch module", StringComparison.Ordinal));
        if (unavailable && Environment.GetEnvironmentVariable("CI") == "true")
            Assert.Fail("CI=true requires the PyTorch peer (apt-get install -y python3-torch python3-numpy)");
        Skip.If(unavailable, "the PyTorch peer cannot run here; install Debian's python3-torch");
        Assert.Equal(0, code);
        Assert.Equal(2, report.Split("Same weights on both sides: max |Δ log-prob|").Length - 1);
        Assert.DoesNotContain("MISMATCH", report);
        Assert.Matches(@"\| TinyGpt \| \d+\.\d\d \(\d+\.\d\d\) \| \d+\.\d\d \(\d+\.\d\d\) \|", report);
        Assert.Matches(@"\| Qwen3 \| \d+\.\d\d \(\d+\.\d\d\) \| \d+\.\d\d \(\d+\.\d\d\) \|", report);
        // The gaps themselves, read back, not only the verdict the report computed from them.
        var gaps = System.Text.RegularExpressions.Regex.Matches(report, @"max \|Δ log-prob\| over [^=]+= ([0-9.E+-]+)")
            .Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, gaps.Count);
        Assert.All(gaps, gap => Assert.InRange(gap, 0, ModelBenchmarkCaseResult.LogProbTolerance));
        // Every ratio is a real, positive time ratio (a peer that did nothing would give 0 or a missing cell).
        var ratios = System.Text.RegularExpressions.Regex.Matches(report, @"\| (?:TinyGpt|Qwen3) \| (\d+\.\d\d) \((\d+\.\d\d)\) \| (\d+\.\d\d) \((\d+\.\d\d)\) \|")
            .SelectMany(m => m.Groups.Values.Skip(1).Select(g => double.Parse(g.Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(8, ratios.Count);
        Assert.All(ratios, r => Assert.InRange(r, 0.01, 100));
    }
}

using ActorRL.Model.Benchmarks;

namespace ActorRL.Model.Tests;

public sealed class ModelBenchmarkTests
{
    [Fact]
    public async Task Quick_benchmark_reports_every_measurement()
    {
        var output = new StringWriter();
        var code = await ModelBenchmark.RunAsync(output, ModelBenchmarkOptions.Quick with { SkipPeer = true, SettleMilliseconds = 0 });
        var report = output.ToString();
        Assert.Equal(0, code);
        foreach (var row in new[] { "sampling 8 tokens, KV cache", "sampling 16 tokens, full recompute", "learner step 4 × 16", "KV cache speed-up over full recompute at 16 tokens" })
            Assert.Contains(row, report);
    }

    [Fact]
    public async Task A_missing_python_is_reported_not_thrown()
    {
        var output = new StringWriter();
        var code = await ModelBenchmark.RunAsync(output, ModelBenchmarkOptions.Quick with { Python = "/nonexistent/python3", SettleMilliseconds = 0 });
        Assert.Equal(1, code);
        Assert.Contains("PyTorch peer not measured: /nonexistent/python3 not found", output.ToString());
    }
}

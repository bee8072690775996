using System.Globalization;
using System.Text.RegularExpressions;
using ActorRL.Benchmarks.Generation;
using ActorRL.Benchmarks.Model;

namespace ActorRL.Benchmarks.Tests.Generation;

public sealed class GenerationBenchmarkTests
{
    private static readonly GenerationBenchmarkOptions Tiny = new(Prompts: 6, GroupSize: 2, MaxSequences: 4, MaxTokens: 24, PromptLength: 4, Peer: false, Rounds: 1);

    [Fact]
    public void Every_mode_of_every_model_generates_the_whole_workload_and_reports_its_slot_use()
    {
        var output = new StringWriter();
        GenerationBenchmark.Run(output, [GenerationBenchmarkModel.BuiltIn(ModelBenchmarkArchitecture.TinyGpt, Tiny), GenerationBenchmarkModel.BuiltIn(ModelBenchmarkArchitecture.Qwen3, Tiny)], Tiny);
        var report = output.ToString();
        var total = LongTailedLengths.Draw(Tiny.Prompts * Tiny.GroupSize, Tiny.MaxTokens, seed: 7).Sum();
        Assert.Contains($"{total:N0} tokens", report);
        foreach (var model in new[] { "TinyGpt", "Qwen3" })
        {
            var rows = Regex.Matches(report, $@"^{model}\s+(static, padded \(HF-style\)|static \(ours\)|continuous)\s+([\d,]+)\s+(\d+) %\s+([\d.]+)\s+([\d.]+)×\s+([\d.]+)×", RegexOptions.Multiline)
                .ToDictionary(m => m.Groups[1].Value, m => (Use: int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), VsPadded: double.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture)));
            Assert.Equal(3, rows.Count);
            Assert.Equal(1.0, rows["static, padded (HF-style)"].VsPadded);
            // Padded rows decode as long as their batch's longest response: less of each step is real work than in a
            // static batch that drops them, and continuous batching refills them.
            Assert.True(rows["static, padded (HF-style)"].Use <= rows["static (ours)"].Use, report);
            Assert.True(rows["static (ours)"].Use < rows["continuous"].Use, report);
        }
    }
}

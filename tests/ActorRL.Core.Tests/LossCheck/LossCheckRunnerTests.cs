using System.Text.Json;
using ActorRL.Core.LossCheck;
using ActorRL.Core.Tests.Algorithms;

namespace ActorRL.Core.Tests.LossCheck;

/// <summary>The <c>loss-check</c> JSONL contract: one output line per input line, errors inline, exit code.</summary>
public class LossCheckRunnerTests
{
    private const string WorkedResponses =
        """[{"group": 3, "reward": 1, "tokens": ["We", " add", ",", " get", " 4"], "old_logprobs": [-1.2, -0.5, -0.1, -2.3, -0.7], "new_logprobs": [-1.0, -0.45, -0.1, -1.9, -0.75]}, {"group": 3, "reward": 0, "tokens": ["It", " is", " 5", "."], "old_logprobs": [-0.3, -1.0, -2.0, -0.4], "new_logprobs": [-0.4, -1.3, -1.8, -0.4]}]""";

    private static string Line(string id, string algorithm, string responses = WorkedResponses) =>
        $$"""{"id": "{{id}}", "algorithm": {{algorithm}}, "responses": {{responses}}}""";

    private static (int Exit, JsonElement[] Lines) Run(params string[] lines)
    {
        var output = new StringWriter();
        var exit = LossCheckRunner.Run(new StringReader(string.Join("\n", lines)), output);
        var outLines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (exit, outLines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray());
    }

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    [Fact]
    public void GoodLinesReportLossAdvantagesGradientsAndClipFraction()
    {
        var (exit, lines) = Run(
            Line("grpo", """{"loss": "grpo"}"""),
            Line("gspo-wide", """{"loss": "gspo", "clip-low": 0.2, "clip-high": 0.2, "dual-clip": null}"""));
        Assert.Equal(0, exit);
        Assert.Equal(2, lines.Length);

        var grpo = lines[0];
        Assert.Equal(new[] { "id", "loss", "advantages", "grad_new_logprobs", "clip_fraction" }, grpo.EnumerateObject().Select(p => p.Name));
        Assert.Equal("grpo", grpo.GetProperty("id").GetString());
        Approx.Equal(-0.034981, grpo.GetProperty("loss").GetDouble());
        Approx.Equal(new[] { 0.707106, -0.707106 }, Doubles(grpo.GetProperty("advantages")));
        var grads = grpo.GetProperty("grad_new_logprobs").EnumerateArray().Select(Doubles).ToArray();
        Approx.Equal(new[] { 0, -0.074336, -0.070711, 0, -0.067262 }, grads[0]);
        Approx.Equal(new[] { 0.079977, 0, 0.107958, 0.088388 }, grads[1]);
        Assert.Equal(3.0 / 9, grpo.GetProperty("clip_fraction").GetDouble(), 12);

        Assert.Equal("gspo-wide", lines[1].GetProperty("id").GetString());
        Approx.Equal(-0.062320, lines[1].GetProperty("loss").GetDouble());
    }

    [Fact]
    public void LossMayBeOmittedWhenTheKeysAreGiven()
    {
        var (exit, lines) = Run(Line("seq", """{"ratio-level": "sequence", "clip-low": 0.2, "clip-high": 0.2}"""));
        Assert.Equal(0, exit);
        Approx.Equal(-0.062320, lines[0].GetProperty("loss").GetDouble());
    }

    [Fact]
    public void SspoWithEntropiesAndNewlineDelimiterFromJson()
    {
        const string responses =
            """[{"group": 0, "reward": 1, "tokens": ["We", " add", ",", " get", " 4"], "old_logprobs": [-1.2, -0.5, -0.1, -2.3, -0.7], "new_logprobs": [-1.0, -0.45, -0.1, -1.9, -0.75], "entropies": [0.9, 0.4, 0.1, 1.8, 0.6]}, {"group": 0, "reward": 0, "tokens": ["It", " is", " 5", "."], "old_logprobs": [-0.3, -1.0, -2.0, -0.4], "new_logprobs": [-0.4, -1.3, -1.8, -0.4], "entropies": [0.5, 1.2, 2.0, 0.2]}]""";
        var (exit, lines) = Run(
            Line("sspo", """{"loss": "sspo", "clip-low": 0.05, "clip-high": 0.05}""", responses),
            Line("newline-only", """{"loss": "sspo", "entropy-adaptive-clip": {"enabled": false}, "subsentence-delimiters": ["\n"]}""", responses));
        Assert.Equal(0, exit);
        Approx.Equal(-0.032946, lines[0].GetProperty("loss").GetDouble());
        Assert.Equal(5.0 / 9, lines[0].GetProperty("clip_fraction").GetDouble(), 12);
        // With "\n" as the only delimiter nothing splits: every response is one span, the GSPO (0.2) loss.
        Approx.Equal(-0.062320, lines[1].GetProperty("loss").GetDouble());
    }

    [Fact]
    public void MalformedLinesYieldErrorLinesAndTheRunContinues()
    {
        var (exit, lines) = Run(
            "{not json",
            Line("unknown-key", """{"loss": "grpo", "clip-hgih": 0.3}"""),
            Line("bad-value", """{"loss": "grpo", "clip-low": 2}"""),
            Line("zero-tokens", """{"loss": "grpo"}""", """[{"group": 0, "reward": 1, "tokens": [], "old_logprobs": [], "new_logprobs": []}]"""),
            Line("lengths", """{"loss": "grpo"}""", """[{"group": 0, "reward": 1, "tokens": ["a", "b"], "old_logprobs": [-1], "new_logprobs": [-1, -1]}]"""),
            Line("no-entropies", """{"loss": "sspo"}"""),
            "",
            Line("ok", """{"loss": "grpo"}"""),
            """{"algorithm": {}, "responses": []}""");
        Assert.Equal(1, exit);
        Assert.Equal(8, lines.Length);
        string Error(int i) => lines[i].GetProperty("error").GetString()!;

        Assert.Equal(JsonValueKind.Null, lines[0].GetProperty("id").ValueKind);
        Assert.StartsWith("line 1: malformed JSON", Error(0));
        Assert.Equal("unknown-key", lines[1].GetProperty("id").GetString());
        Assert.Contains("clip-hgih", Error(1));
        Assert.Contains("algorithm.clip-low: expected a finite number in [0, 1], got \"2\"", Error(2));
        Assert.Contains("responses[0].tokens is empty", Error(3));
        Assert.Contains("responses[0].old_logprobs has 1 values for 2 tokens", Error(4));
        Assert.Contains("entropies", Error(5));
        Assert.Equal("ok", lines[6].GetProperty("id").GetString());
        Approx.Equal(-0.034981, lines[6].GetProperty("loss").GetDouble());
        Assert.StartsWith("line 9: \"id\" is missing", Error(7));
    }

    [Theory]
    [InlineData("""{"id": 5, "algorithm": {}, "responses": []}""", "\"id\" must be a string")]
    [InlineData("""{"id": "x", "algorithm": {}, "responses": [], "extra": 1}""", "unknown field extra")]
    [InlineData("""{"id": "x", "algorithm": "grpo", "responses": []}""", "\"algorithm\" must be an object")]
    [InlineData("""{"id": "x", "algorithm": {}, "responses": []}""", "\"responses\" must be a non-empty array")]
    [InlineData("""{"id": "x", "algorithm": {}, "responses": [{"group": 0.5, "reward": 1, "tokens": ["a"], "old_logprobs": [-1], "new_logprobs": [-1]}]}""", "responses[0].group must be an integer")]
    [InlineData("""{"id": "x", "algorithm": {}, "responses": [{"group": 0, "reward": "1", "tokens": ["a"], "old_logprobs": [-1], "new_logprobs": [-1]}]}""", "responses[0].reward must be a finite number")]
    [InlineData("""{"id": "x", "algorithm": {}, "responses": [{"group": 0, "reward": 1, "tokens": ["a"], "old_logprobs": [-1], "new_logprob": [-1]}]}""", "unknown field responses[0].new_logprob")]
    [InlineData("""{"id": "x", "algorithm": {}, "responses": [{"group": 0, "reward": 1, "tokens": ["a"], "old_logprobs": [-1], "new_logprobs": [-1], "entropies": [-0.1]}]}""", "entropies must be ≥ 0")]
    [InlineData("""{"id": "x", "algorithm": {"off-policy": {"mode": "decoupled"}}, "responses": [{"group": 0, "reward": 1, "tokens": ["a"], "old_logprobs": [-1], "new_logprobs": [-1]}]}""", "proximal log-probs")]
    public void EachMalformedInputGetsAClearMessage(string line, string message)
    {
        var (exit, lines) = Run(line);
        Assert.Equal(1, exit);
        Assert.Contains(message, lines.Single().GetProperty("error").GetString());
    }

    [Fact]
    public void ResponsesOfDifferentGroupsGetIndependentAdvantagesAndSingletonsGetZero()
    {
        const string responses =
            """[{"group": 1, "reward": 1, "tokens": ["a"], "old_logprobs": [-1], "new_logprobs": [-1]}, {"group": 2, "reward": 5, "tokens": ["b"], "old_logprobs": [-1], "new_logprobs": [-1]}, {"group": 1, "reward": 0, "tokens": ["c", "d"], "old_logprobs": [-1, -2], "new_logprobs": [-1, -2]}]""";
        var (exit, lines) = Run(Line("groups", """{"loss": "drgrpo"}""", responses));
        Assert.Equal(0, exit);
        Approx.Equal(new[] { 0.5, 0, -0.5 }, Doubles(lines[0].GetProperty("advantages")), 1e-12);
    }

    [Fact]
    public void DecoupledModeAcceptsProximalLogProbs()
    {
        const string responses =
            """[{"group": 0, "reward": 1, "tokens": ["a"], "old_logprobs": [-1.0], "proximal_logprobs": [-0.5], "new_logprobs": [-0.4]}, {"group": 0, "reward": 0, "tokens": ["b"], "old_logprobs": [-1.0], "proximal_logprobs": [-1.0], "new_logprobs": [-1.0]}]""";
        var (exit, lines) = Run(Line("decoupled", """{"loss": "grpo", "off-policy": {"mode": "decoupled"}}""", responses));
        Assert.Equal(0, exit);
        // A = ±0.707106; response 0: u = e^0.1, w = e^0.5; response 1: u = w = 1.
        var a = 0.5 / (Math.Sqrt(0.5) + 1e-6);
        Approx.Equal((-a * Math.Exp(0.6) + a) / 2, lines[0].GetProperty("loss").GetDouble(), 1e-12);
    }
}

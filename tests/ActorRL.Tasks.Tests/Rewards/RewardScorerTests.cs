using ActorRL.Tasks.Isolation;
using ActorRL.Tasks.Rewards;

namespace ActorRL.Tasks.Tests.Rewards;

public class RewardScorerTests
{
    private static readonly VerifierSettings WithFormat = new(TimeSpan.FromSeconds(1), 1e-6, FormatReward: 0.2);
    private static readonly OverlongSettings Overlong = new(Enabled: true, MaxLength: 100, CacheLength: 20);

    private static VerifierOutcome Outcome(bool correct, bool formatted) => VerifierOutcome.Of(new Verdict(correct, formatted, "42"));

    [Fact]
    public void Reports_each_part_separately()
    {
        var scorer = new RewardScorer(WithFormat, Overlong);
        var reward = scorer.Score(Outcome(correct: true, formatted: true), responseLength: 90);
        Assert.Equal(1.0, reward.Correctness);
        Assert.Equal(0.2, reward.Format);
        Assert.Equal(-0.5, reward.Overlong, 12); // 10 tokens into a 20-token cache
        Assert.Equal(0.7, reward.Total, 12);
        Assert.Equal("42", reward.Extracted);
        Assert.Equal("ok", reward.Outcome);
        Assert.Equal(new Dictionary<string, double> { ["correctness"] = 1, ["format"] = 0.2, ["overlong"] = -0.5 }, reward.Parts);
    }

    [Theory]
    [InlineData(80, 0.0)]
    [InlineData(81, -0.05)]
    [InlineData(100, -1.0)]
    [InlineData(150, -1.0)]
    public void Overlong_penalty_follows_dapo(int length, double expected) =>
        Assert.Equal(expected, new RewardScorer(WithFormat, Overlong).Score(Outcome(false, false), length).Overlong, 12);

    [Fact]
    public void Format_and_overlong_are_zero_when_disabled()
    {
        var scorer = new RewardScorer(WithFormat with { FormatReward = 0 }, OverlongSettings.Disabled);
        var reward = scorer.Score(Outcome(correct: false, formatted: true), responseLength: 10_000);
        Assert.Equal((0.0, 0.0, 0.0), (reward.Correctness, reward.Format, reward.Overlong));
    }

    [Fact]
    public void A_wrong_but_well_formatted_answer_earns_only_the_format_part()
    {
        var reward = new RewardScorer(WithFormat, Overlong).Score(Outcome(correct: false, formatted: true), 10);
        Assert.Equal(0.2, reward.Total, 12);
        Assert.False(reward.IsCorrect);
    }

    [Theory]
    [InlineData(VerifierFailure.Timeout, "timeout")]
    [InlineData(VerifierFailure.Exception, "exception")]
    public void A_failed_verification_scores_zero_in_every_part(VerifierFailure failure, string reason)
    {
        var reward = new RewardScorer(WithFormat, Overlong).Score(new VerifierOutcome(null, failure, "detail", true), responseLength: 150);
        Assert.Equal((0.0, 0.0, 0.0, 0.0), (reward.Correctness, reward.Format, reward.Overlong, reward.Total));
        Assert.Equal(reason, reward.Outcome);
    }
}

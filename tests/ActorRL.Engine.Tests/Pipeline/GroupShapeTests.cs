using ActorRL.Core.Rollouts;
using ActorRL.Engine.Pipeline;

namespace ActorRL.Engine.Tests.Pipeline;

public sealed class GroupShapeTests
{
    private static readonly GroupShape Shape = new(GroupSize: 2, MaxNewTokens: 3, VocabularySize: 10);

    private static Rollout Response(params int[] ids) =>
        new(ids, ids.Select(i => $"{i}").ToList(), ids.Select(_ => -0.5f).ToList(), ids.Select(_ => 0L).ToList(), "x", false);

    private static RolloutGroup Group(params Rollout[] rollouts) => new("g", "p", "text", [1, 2], "gold", 0, "gen", rollouts);

    [Fact]
    public void A_well_formed_group_passes() => Assert.Null(Shape.Problem(Group(Response(1, 2, 3), Response(9))));

    public static TheoryData<RolloutGroup, string> Malformed() => new()
    {
        { Group(Response(1)), "1 responses, not G = 2" },
        { Group(Response(1), Response(10)), "token id 10, outside the vocabulary" },
        { Group(Response(1), Response(-1)), "token id -1, outside the vocabulary" },
        { Group(Response(1), Response(1, 2, 3, 4)), "more than max-new-tokens (3)" },
        { Group(Response(1), Response(1) with { BehaviourLogProbs = [float.NaN] }), "not a finite number" },
        { Group(Response(1), Response(1, 2) with { TokenVersions = [0] }), "2 token ids but 2 texts, 2 log-probs and 1 versions" },
        { new RolloutGroup("g", "p", "text", [1, 99], "gold", 0, "gen", [Response(1), Response(2)]), "prompt token id 99" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_group_is_named_with_what_is_wrong(RolloutGroup group, string says) => Assert.Contains(says, Shape.Problem(group));
}

/// <summary>With the learner's own encoding: prompts must match it, texts come from the token ids.</summary>
public sealed class GroupShapeEncodingTests
{
    private static readonly ActorRL.Model.Tokenizers.CharTokenizer Tokenizer = new("0123456789+=");
    private static readonly GroupShape Shape = new(2, 8, Tokenizer.VocabularySize, new ActorRL.Engine.Training.PromptEncoding(Tokenizer));
    private static readonly ActorRL.Tasks.TaskPrompt Prompt = new("p1", "1+2=", "3", new ActorRL.Tasks.PromptCursor(0, 1));

    private static Rollout Response(string text, string claimed)
    {
        var ids = Tokenizer.Encode(text);
        return new(ids, ids.Select(_ => "?").ToList(), ids.Select(_ => -0.5f).ToList(), ids.Select(_ => 0L).ToList(), claimed, false);
    }

    private static RolloutGroup Group(IReadOnlyList<int> promptIds) =>
        new("g", "p1", "1+2=", promptIds, "3", 0, "gen", [Response("3", "3"), Response("4", "3")]);

    [Fact]
    public void A_group_sampled_on_the_prompts_own_encoding_passes_and_one_on_another_context_is_refused()
    {
        var own = new ActorRL.Engine.Training.PromptEncoding(Tokenizer).Prompt(Prompt.Text);
        Assert.Null(Shape.Problem(Group(own), Prompt));
        Assert.Contains("not this side's encoding of prompt p1", Shape.Problem(Group(Tokenizer.Encode("9+9=").Prepend(Tokenizer.BosId ?? 0).ToList()), Prompt));
    }

    [Fact]
    public void Texts_are_decoded_from_the_token_ids_not_taken_from_the_generator()
    {
        // The second response's tokens say 4 but it claims the text 3 (the gold answer): the verifier must read 4.
        var claimed = Response("4", "3");
        var own = Shape.OwnTexts(claimed);
        Assert.Equal("4", own.Text);
        Assert.Equal(new[] { "4" }, own.TokenTexts);
        Assert.Equal(claimed.TokenIds, own.TokenIds);
        Assert.Equal(claimed.BehaviourLogProbs, own.BehaviourLogProbs);
    }
}

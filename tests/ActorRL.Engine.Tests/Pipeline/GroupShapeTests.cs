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

using System.Runtime.Serialization;
using Akka.Actor;
using ActorRL.Core.Rollouts;
using ActorRL.Engine.Cluster;
using ActorRL.Engine.Pipeline;
using ActorRL.Engine.Serialization;
using ActorRL.Tasks;

namespace ActorRL.Engine.Tests.Cluster;

public sealed class PipelineMessageSerializerTests : IAsyncLifetime
{
    private ActorSystem _system = null!;
    private PipelineMessageSerializer _serializer = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("serializer-test", ClusterTestConfig.Node("learner"));
        _serializer = new PipelineMessageSerializer((ExtendedActorSystem)_system);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _system.Terminate();

    private static Rollout MakeRollout(int length, float seed) => new(
        Enumerable.Range(0, length).Select(i => i * 7 + 3).ToArray(),
        Enumerable.Range(0, length).Select(i => i % 3 == 0 ? "é" : i % 3 == 1 ? " 7" : "\n").ToArray(),
        Enumerable.Range(0, length).Select(i => -seed * (i + 1) / 3f).ToArray(),
        Enumerable.Range(0, length).Select(i => (long)i / 2).ToArray(),
        "Answer: 42 ✓ — 数学 🙂", Truncated: length % 2 == 0, Reward: 0.1 + seed,
        RewardParts: new Dictionary<string, double> { ["correct"] = 1, ["format"] = 0.25 }, VerifierOutcome: "ok");

    private static RolloutGroup MakeGroup(int rollouts = 3) => new("arith:e0:i5#12", "arith:e0:i5", "What is 12 + 30?\n",
        new[] { 1, 5, 9, 200 }, "42", 17, "generator-2", Enumerable.Range(0, rollouts).Select(i => MakeRollout(5 + i, i + 0.3f)).ToArray());

    private object RoundTrip(object message)
    {
        Assert.IsType<PipelineMessageSerializer>(_system.Serialization.FindSerializerFor(message));
        var bytes = _serializer.ToBinary(message);
        return _serializer.FromBinary(bytes, _serializer.Manifest(message));
    }

    private static void AssertSameGroup(RolloutGroup expected, RolloutGroup actual)
    {
        Assert.Equal(expected with { Rollouts = Array.Empty<Rollout>(), PromptTokenIds = Array.Empty<int>() },
            actual with { Rollouts = Array.Empty<Rollout>(), PromptTokenIds = Array.Empty<int>() });
        Assert.Equal(expected.PromptTokenIds, actual.PromptTokenIds);
        Assert.Equal(expected.Rollouts.Count, actual.Rollouts.Count);
        foreach (var (e, a) in expected.Rollouts.Zip(actual.Rollouts))
        {
            Assert.Equal(e.TokenIds, a.TokenIds);
            Assert.Equal(e.TokenTexts, a.TokenTexts);
            // Bit-exact floats: the learner's importance ratios divide by these.
            Assert.Equal(e.BehaviourLogProbs.Select(BitConverter.SingleToInt32Bits), a.BehaviourLogProbs.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(e.TokenVersions, a.TokenVersions);
            Assert.Equal(e.Text, a.Text);
            Assert.Equal(e.Truncated, a.Truncated);
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.Reward), BitConverter.DoubleToInt64Bits(a.Reward));
            Assert.Equal(e.RewardParts, a.RewardParts);
            Assert.Equal(e.VerifierOutcome, a.VerifierOutcome);
        }
    }

    [Fact]
    public void A_generated_group_round_trips_exactly_including_unicode_and_float_bits()
    {
        var group = MakeGroup();
        var special = group with
        {
            Rollouts = group.Rollouts.Append(MakeRollout(3, 1) with
            {
                BehaviourLogProbs = new[] { float.NegativeInfinity, -float.Epsilon, BitConverter.Int32BitsToSingle(0x7fc00001) },
                RewardParts = null,
            }).ToArray(),
        };
        var back = (GroupGenerated)RoundTrip(new GroupGenerated(special, 123, TimeSpan.FromTicks(98765)));
        AssertSameGroup(special, back.Group);
        Assert.Equal(123, back.TokensGenerated);
        Assert.Equal(TimeSpan.FromTicks(98765), back.Busy);
    }

    [Fact]
    public void Empty_groups_and_empty_rollouts_round_trip()
    {
        var empty = MakeGroup(0) with { PromptTokenIds = Array.Empty<int>(), PromptText = "" };
        AssertSameGroup(empty, ((VerifyGroup)RoundTrip(new VerifyGroup(empty))).Group);
        var emptyRollout = MakeGroup(0) with { Rollouts = new[] { new Rollout(Array.Empty<int>(), Array.Empty<string>(), Array.Empty<float>(), Array.Empty<long>(), "", false) } };
        AssertSameGroup(emptyRollout, ((VerifyGroup)RoundTrip(new VerifyGroup(emptyRollout))).Group);
    }

    [Fact]
    public void Scored_groups_keep_their_failure_counts()
    {
        var scored = new GroupScored(MakeGroup(), new Dictionary<string, int> { ["timeout"] = 2, ["exception"] = 1 }, TimeSpan.FromMilliseconds(3.5));
        var back = (GroupScored)RoundTrip(scored);
        AssertSameGroup(scored.Group, back.Group);
        Assert.Equal(scored.VerifierFailures, back.VerifierFailures);
        Assert.Equal(scored.Busy, back.Busy);
    }

    [Fact]
    public void Prompts_and_work_requests_round_trip()
    {
        Assert.Equal(new RequestWork(16), RoundTrip(new RequestWork(16)));
        var work = new WorkAssigned(new[]
        {
            new WorkItem("a#1", new TaskPrompt("a", "Ünïcode 🙂 prompt\n", "−3", new PromptCursor(2, 123456789012))),
            new WorkItem("b#2", new TaskPrompt("b", "", "", PromptCursor.Start)),
        }, 41);
        var back = (WorkAssigned)RoundTrip(work);
        Assert.Equal(work.Version, back.Version);
        Assert.Equal(work.Items, back.Items);
        Assert.Empty(((WorkAssigned)RoundTrip(new WorkAssigned(Array.Empty<WorkItem>(), 0))).Items);
    }

    [Fact]
    public void Weight_sync_messages_round_trip()
    {
        var data = Enumerable.Range(0, 5000).Select(i => (byte)(i * 31)).ToArray();
        var chunk = new WeightChunk(9, 7, 3, 12, 1_000_000, 0xdeadbeefcafef00d, 0x12345678, data);
        var back = (WeightChunk)RoundTrip(chunk);
        Assert.Equal(chunk with { Data = default }, back with { Data = default });
        Assert.Equal(data, back.Data.ToArray());
        Assert.Equal(new SubscribeWeightSync(-1), RoundTrip(new SubscribeWeightSync(-1)));
        Assert.Equal(new WeightSyncRequest(4, 5, "chunk 3 missing"), RoundTrip(new WeightSyncRequest(4, 5, "chunk 3 missing")));
        Assert.Equal(new WeightSyncAck(5, true, 1234, 2, 0.25), RoundTrip(new WeightSyncAck(5, true, 1234, 2, 0.25)));
        var offer = new WeightsOffer(7, -1, 123456, 0xfeedface, "10.0.0.5", 40123, 3, new string('a', 64));
        Assert.Equal(offer, RoundTrip(offer));
    }

    [Fact]
    public void A_generator_reset_keeps_its_actor_reference()
    {
        var probe = _system.ActorOf(Props.Empty, "some-generator");
        var back = (GeneratorReset)RoundTrip(new GeneratorReset(probe, "failed: boom"));
        Assert.Equal(probe, back.Generator);
        Assert.Equal("failed: boom", back.Reason);
    }

    [Fact]
    public void Every_truncation_is_rejected_with_a_serialization_exception()
    {
        var message = new GroupGenerated(MakeGroup(), 10, TimeSpan.FromSeconds(1));
        var bytes = _serializer.ToBinary(message);
        for (var length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes[..length], "gg"));
            Assert.Contains("\"gg\"", e.Message);
        }
    }

    [Fact]
    public void Every_single_bit_flip_is_rejected()
    {
        var bytes = _serializer.ToBinary(new WorkAssigned(new[] { new WorkItem("a#1", new TaskPrompt("a", "1+1", "2", PromptCursor.Start)) }, 3));
        for (var bit = 0; bit < bytes.Length * 8; bit++)
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[bit / 8] ^= (byte)(1 << (bit % 8));
            var e = Assert.Throws<SerializationException>(() => _serializer.FromBinary(corrupt, "wa"));
            Assert.Contains("malformed", e.Message);
        }
    }

    [Fact]
    public void Well_formed_bytes_under_the_wrong_manifest_are_rejected()
    {
        var bytes = _serializer.ToBinary(new RequestWork(4));
        Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "gg"));
        Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "zz"));
        Assert.Throws<SerializationException>(() => _serializer.FromBinary(_serializer.ToBinary(new SubscribeWeightSync(1)), "rw"));
    }

    [Fact]
    public void A_huge_count_in_a_correctly_checksummed_frame_is_rejected_before_allocating()
    {
        // A sender bug, not line noise: the checksum is right, the count is absurd.
        var w = new WireWriter();
        w.WriteByte(PipelineMessageSerializer.FormatVersion);
        w.WriteInt64(0);
        w.WriteInt32(int.MaxValue);
        var e = Assert.Throws<SerializationException>(() => _serializer.FromBinary(w.ToFrame(), "wa"));
        Assert.Contains("does not fit", e.Message);
    }
}

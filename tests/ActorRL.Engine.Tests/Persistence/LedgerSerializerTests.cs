using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using ActorRL.Engine.Persistence;

namespace ActorRL.Engine.Tests.Persistence;

public sealed class LedgerSerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("ledger-serializer", LedgerConfig.Build(
        new PersistenceSettings(PersistenceProvider.Sqlite, null, null, 1, 1, 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), Path.GetTempPath()));

    public void Dispose() => _system.Dispose();

    public static TheoryData<ILedgerMessage> Messages => new()
    {
        new CheckpointCommitted(7, 25, 25, "checkpoints/step-000025", new[] { new CommittedFile("weights.safetensors", 123456, "ab12") },
            "e1:i3", new[] { "e0:i98", "e0:i99" }, 100, 300, 0.675),
        new StepTrained(8, 26, 26, new[] { "arith:e0:i100#101" }, new[] { "arith:e0:i100" }),
        new RunResumed(9, 25, "checkpoints/step-000025"),
        new RunResumed(10, -1, null),
        new RunCompleted(11, 600, 600, null),
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void The_bound_serializer_round_trips_every_ledger_message(ILedgerMessage message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<LedgerSerializer>(serializer);
        var manifest = ((LedgerSerializer)serializer).Manifest(message);

        var back = ((LedgerSerializer)serializer).FromBinary(serializer.ToBinary(message), manifest);

        // Records with arrays compare by reference; compare their JSON instead.
        Assert.Equal(Encoding.UTF8.GetString(serializer.ToBinary(message)), Encoding.UTF8.GetString(serializer.ToBinary(back)));
        Assert.Equal(message.GetType(), back.GetType());
    }

    [Fact]
    public void A_snapshot_round_trips_with_its_checkpoints()
    {
        var state = LedgerState.Empty.Apply(new CheckpointCommitted(7, 25, 25, "checkpoints/step-000025", Array.Empty<CommittedFile>(),
            "e1:i3", new[] { "e0:i98", "e0:i99" }, 100, 300, 0.675), 3);
        var serializer = (LedgerSerializer)_system.Serialization.FindSerializerFor(state);

        var back = (LedgerState)serializer.FromBinary(serializer.ToBinary(state), serializer.Manifest(state));

        Assert.Equal(7, back.LastSeq);
        Assert.Equal("e1:i3", back.Checkpoints.Single().Cursor);
        Assert.Equal(new[] { "e0:i98", "e0:i99" }, back.Checkpoints.Single().Outstanding);
    }

    [Fact]
    public void Malformed_payloads_and_unknown_manifests_are_rejected_with_a_clear_error()
    {
        var serializer = new LedgerSerializer((ExtendedActorSystem)_system);

        var truncated = Assert.Throws<SerializationException>(() => serializer.FromBinary("{\"seq\":1,\"step\""u8.ToArray(), "step-trained.v1"));
        Assert.Contains("step-trained.v1", truncated.Message);
        var unknown = Assert.Throws<SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "weights.v9"));
        Assert.Contains("unknown ledger manifest 'weights.v9'", unknown.Message);
    }
}

using System.Text;
using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace ActorRL.Engine.Persistence;

/// <summary>
/// Ledger events and snapshots as JSON with a short, versioned manifest. Bound in the actor system's config
/// (<see cref="LedgerConfig"/>) so the journal never depends on CLR type names: renaming a class does not strand
/// an old journal, and the rows stay readable with psql or sqlite3.
/// </summary>
public sealed class LedgerSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4101;

    private static readonly Dictionary<string, Type> Types = new()
    {
        ["checkpoint-committed.v1"] = typeof(CheckpointCommitted),
        ["step-trained.v1"] = typeof(StepTrained),
        ["run-resumed.v1"] = typeof(RunResumed),
        ["run-completed.v1"] = typeof(RunCompleted),
        ["ledger-state.v1"] = typeof(LedgerState),
    };

    private static readonly Dictionary<Type, string> Manifests = Types.ToDictionary(kv => kv.Value, kv => kv.Key);

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        Manifests.TryGetValue(o.GetType(), out var manifest) ? manifest : throw new ArgumentException($"not a ledger message: {o.GetType()}");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    /// <summary>The event as stored in the journal, as text (<c>actorrl ledger --events</c>).</summary>
    public static string ToJson(ILedgerMessage message) => JsonSerializer.Serialize(message, message.GetType(), Options);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Types.TryGetValue(manifest, out var type))
            throw new SerializationException($"unknown ledger manifest '{manifest}' (known: {string.Join(", ", Types.Keys)})");
        try
        {
            return JsonSerializer.Deserialize(bytes, type, Options)
                   ?? throw new SerializationException($"ledger {manifest}: empty payload");
        }
        catch (JsonException e)
        {
            throw new SerializationException($"ledger {manifest}: malformed payload ({e.Message}): {Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(bytes.Length, 120)))}");
        }
    }
}

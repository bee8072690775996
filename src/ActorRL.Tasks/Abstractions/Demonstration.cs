namespace ActorRL.Tasks;

/// <summary>
/// A supervised example for the warm start: the model is trained to continue <see cref="Prompt"/> with
/// <see cref="Target"/>. <see cref="Gold"/> is the true answer, which differs from the target's final answer
/// when <see cref="HasMistake"/> (deliberate mistakes keep the warm-started policy imperfect).
/// </summary>
public sealed record Demonstration(string Prompt, string Target, string Gold, bool HasMistake);

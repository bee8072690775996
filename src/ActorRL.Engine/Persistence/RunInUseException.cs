namespace ActorRL.Engine.Persistence;

/// <summary>
/// Another learner holds this run (its directory's lock, or its persistence id on a shared journal): nothing was
/// written or deleted. The message is one line naming the holder.
/// </summary>
public sealed class RunInUseException(string message) : Exception(message);

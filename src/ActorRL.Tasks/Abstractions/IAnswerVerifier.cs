namespace ActorRL.Tasks;

/// <summary>
/// Checks a model response against a gold answer. Implementations must be thread-safe and pure (no shared mutable
/// state); they should observe <paramref name="cancellation"/> in any loop so a timed-out call stops early
/// instead of holding its thread (see <see cref="Isolation.IsolatedVerifier"/>). Bad or unparsable responses
/// are a wrong verdict, never an exception.
/// </summary>
public interface IAnswerVerifier
{
    Verdict Verify(string gold, string response, CancellationToken cancellation = default);
}

namespace ActorRL.Engine.Pipeline;

/// <summary>
/// The pipeline stopped moving (a stall the leases or the watchdog found, or the failure of an actor whose state is
/// the run's): the run ends with this message as its one line, exit 1.
/// </summary>
public sealed class PipelineStalledException(string message) : ExplainedRunFailure("the run stopped: " + message);

namespace ActorRL.Tasks;

/// <summary>
/// A dataset the user pointed us at cannot be used: missing file, malformed line, no usable records.
/// The message names the file (and line) and is meant to be shown as is, without a stack trace.
/// </summary>
public sealed class TaskDataException(string message) : Exception(message);

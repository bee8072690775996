namespace ActorRL.Model.HuggingFace;

/// <summary>
/// A Hugging Face model folder that cannot be used as asked: a missing file or tensor, a shape that contradicts
/// config.json, an architecture or chat template this engine does not implement. The message starts with the
/// folder (or file) and says what is wrong and what would be accepted.
/// </summary>
public sealed class HuggingFaceFolderException(string location, string problem) : Exception($"{location}: {problem}")
{
    /// <summary>The folder or file being read or written.</summary>
    public string Location { get; } = location;
    public string Problem { get; } = problem;
}

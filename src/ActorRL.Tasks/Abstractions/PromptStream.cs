namespace ActorRL.Tasks;

/// <summary>
/// A convenience reader over a task's training stream: remembers the position of the next prompt.
/// Not thread-safe; the prompt source that owns it persists <see cref="Position"/>.
/// </summary>
public sealed class PromptStream(IVerifiableTask task, PromptCursor start)
{
    /// <summary>The position of the prompt <see cref="Next"/> returns.</summary>
    public PromptCursor Position { get; private set; } = start;

    public TaskPrompt Next()
    {
        var prompt = task.PromptAt(Position);
        Position = task.After(Position);
        return prompt;
    }

    public IReadOnlyList<TaskPrompt> Take(int count)
    {
        var prompts = new List<TaskPrompt>(count);
        for (var i = 0; i < count; i++) prompts.Add(Next());
        return prompts;
    }
}

using System.Globalization;

namespace ActorRL.Tasks;

/// <summary>
/// A position in a task's training stream: the small value the learner persists so a restarted run draws
/// exactly the prompts an uninterrupted run would have drawn. <see cref="Epoch"/> counts passes over a finite
/// dataset (JSONL); generated tasks (arithmetic, countdown) are endless and stay in epoch 0.
/// </summary>
public readonly record struct PromptCursor(int Epoch, long Index)
{
    public static PromptCursor Start => new(0, 0);

    /// <summary>Compact text form, e.g. <c>e0:i123</c> (what logs and journals show).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"e{Epoch}:i{Index}");

    /// <summary>Parses the <see cref="ToString"/> form; a malformed value is a <see cref="FormatException"/> naming it.</summary>
    public static PromptCursor Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length == 2 && parts[0].StartsWith('e') && parts[1].StartsWith('i')
            && int.TryParse(parts[0].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            && long.TryParse(parts[1].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return new PromptCursor(epoch, index);
        throw new FormatException($"'{text}' is not a prompt cursor; expected the form e<epoch>:i<index>, e.g. e0:i123");
    }
}

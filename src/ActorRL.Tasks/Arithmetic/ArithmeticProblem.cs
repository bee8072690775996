using System.Globalization;

namespace ActorRL.Tasks.Arithmetic;

/// <summary>One exercise: <see cref="Left"/> <see cref="Operation"/> <see cref="Right"/>, with non-negative operands.</summary>
public sealed record ArithmeticProblem(long Left, char Operation, long Right)
{
    public long Answer => Operation switch
    {
        '+' => Left + Right,
        '-' => Left - Right,
        '*' => Left * Right,
        _ => throw new InvalidOperationException($"unknown operation '{Operation}'"),
    };

    /// <summary>The exercise as written in prompts, e.g. <c>47+85</c>.</summary>
    public string Expression => string.Create(CultureInfo.InvariantCulture, $"{Left}{Operation}{Right}");

    /// <summary>The prompt text: the exercise followed by a colon (<c>47+85:</c>).</summary>
    public string Prompt => Expression + ":";
}

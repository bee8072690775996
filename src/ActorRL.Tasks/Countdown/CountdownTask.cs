using ActorRL.Tasks.Randomness;

namespace ActorRL.Tasks.Countdown;

/// <summary>
/// The countdown game: reach a target from given numbers with + − × ÷. Prompts read
/// <c>Use 3 7 25 50 to make 75:</c>; demonstrations show each operation, then the expression:
/// <c> 50-25=25, 25*3=75. Answer: (50-25)*3</c>. Like the arithmetic task, prompt i is a pure function of
/// (seed, i) and problems of the evaluation split are redrawn out of the training stream.
/// </summary>
public sealed class CountdownTask : IVerifiableTask
{
    /// <summary>Digits, + - * / = ( ) , . : space, and the letters of "Use", "to make" and "Answer".</summary>
    public static readonly string TaskAlphabet = Alphabets.Of("0123456789+-*/=(),.: ", "Use to make Answer");

    private readonly CountdownSettings _settings;
    private readonly ulong _seed;
    private readonly HashSet<string> _evalGolds = new(StringComparer.Ordinal);

    public CountdownTask(CountdownSettings settings, int evalSize, long seed)
    {
        _settings = settings;
        _seed = (ulong)seed;
        Verifier = new CountdownVerifier(settings.UseAll, settings.AllowFractions);
        var eval = new List<TaskPrompt>(evalSize);
        var random = Stream("eval", 0);
        for (var attempts = 0; eval.Count < evalSize; attempts++)
        {
            if (attempts > 100 * evalSize + 1000)
                throw new ArgumentException($"could not draw {evalSize} distinct countdown problems; lower eval-size or widen max-number/numbers-max");
            var (problem, _) = CountdownGenerator.Draw(settings, random);
            if (_evalGolds.Add(Canonical(problem)))
                eval.Add(new TaskPrompt($"countdown:eval:{eval.Count}", problem.Prompt, problem.Gold, new PromptCursor(-1, eval.Count)));
        }
        EvalPrompts = eval;
    }

    public string Name => "countdown";
    public string? Alphabet => TaskAlphabet;
    public IReadOnlyList<TaskPrompt> EvalPrompts { get; }
    public bool HasDemonstrations => true;
    public IAnswerVerifier Verifier { get; }

    public TaskPrompt PromptAt(PromptCursor position)
    {
        if (position.Index < 0) throw new ArgumentOutOfRangeException(nameof(position), position, "a training position has a non-negative index");
        var (problem, _) = DrawTraining(Stream("train", position.Index));
        return new TaskPrompt($"countdown:{position}", problem.Prompt, problem.Gold, position);
    }

    public PromptCursor After(PromptCursor position) => position with { Index = position.Index + 1 };

    public Demonstration DemonstrationAt(long index)
    {
        var (problem, solution) = DrawTraining(Stream("demo", index));
        var steps = new List<string>();
        Steps(solution, steps);
        var target = " " + string.Join(", ", steps) + ". Answer: " + solution.Write();
        return new Demonstration(problem.Prompt, target, problem.Gold, HasMistake: false);
    }

    /// <summary>Post-order "a op b=value" lines, the order a person would work the solution out.</summary>
    private static long Steps(CountdownNode node, List<string> steps)
    {
        if (node is CountdownNumber n) return n.Value;
        var op = (CountdownOperation)node;
        var a = Steps(op.Left, steps);
        var b = Steps(op.Right, steps);
        var value = op.Operator switch { '+' => a + b, '-' => a - b, '*' => a * b, _ => a / b };
        steps.Add($"{a}{op.Operator}{b}={value}");
        return value;
    }

    /// <summary>The same numbers in another order are the same problem.</summary>
    private static string Canonical(CountdownProblem problem) =>
        $"{problem.Target}:{string.Join(',', problem.Numbers.Order())}";

    private (CountdownProblem, CountdownNode) DrawTraining(SplitMix64 random)
    {
        while (true)
        {
            var drawn = CountdownGenerator.Draw(_settings, random);
            if (!_evalGolds.Contains(Canonical(drawn.Problem))) return drawn;
        }
    }

    private SplitMix64 Stream(string name, long index) =>
        new(StableHash.Combine(_seed, StableHash.Of("countdown/" + name), (ulong)index));
}

using System.Globalization;
using ActorRL.Tasks.Randomness;

namespace ActorRL.Tasks.Arithmetic;

/// <summary>
/// Multi-digit addition, subtraction and multiplication (see <see cref="ArithmeticWorkings"/> for the response
/// format). Every prompt is a pure function of (seed, position): training prompt i is drawn from a generator
/// seeded by hash(seed, "train", i), redrawing while the problem belongs to the evaluation split, so the two
/// splits never share a problem and any position can be regenerated on resume.
/// </summary>
public sealed class ArithmeticTask : IVerifiableTask
{
    /// <summary>
    /// Every character of arithmetic prompts and completions: digits, + - * = : , . space ( ) and the letters of "Answer".
    /// </summary>
    public static readonly string TaskAlphabet = Alphabets.Of("0123456789+-*=:,. ()", "Answer");

    private readonly ArithmeticSettings _settings;
    private readonly ulong _seed;
    private readonly HashSet<string> _evalExpressions;

    public ArithmeticTask(ArithmeticSettings settings, int evalSize, long seed)
    {
        _settings = settings;
        _seed = (ulong)seed;
        if (evalSize > settings.ProblemCount / 2)
            throw new ArgumentException(
                $"eval-size {evalSize} is more than half of the {settings.ProblemCount:0} distinct problems these settings allow; lower it or widen digits/operations");
        var eval = new List<TaskPrompt>(evalSize);
        _evalExpressions = new HashSet<string>(StringComparer.Ordinal);
        var random = Stream("eval", 0);
        while (eval.Count < evalSize)
        {
            var problem = Draw(random);
            if (_evalExpressions.Add(problem.Expression))
                eval.Add(ToPrompt(problem, $"arithmetic:eval:{eval.Count}", new PromptCursor(-1, eval.Count)));
        }
        EvalPrompts = eval;
    }

    public string Name => "arithmetic";
    public string? Alphabet => TaskAlphabet;
    public IReadOnlyList<TaskPrompt> EvalPrompts { get; }
    public bool HasDemonstrations => true;
    public IAnswerVerifier Verifier { get; } = new ArithmeticVerifier();

    public TaskPrompt PromptAt(PromptCursor position)
    {
        if (position.Index < 0) throw new ArgumentOutOfRangeException(nameof(position), position, "a training position has a non-negative index");
        var problem = DrawTraining(Stream("train", position.Index));
        return ToPrompt(problem, $"arithmetic:{position}", position);
    }

    /// <summary>The stream is endless: the index grows and the epoch stays where it is.</summary>
    public PromptCursor After(PromptCursor position) => position with { Index = position.Index + 1 };

    public Demonstration DemonstrationAt(long index)
    {
        var random = Stream("demo", index);
        var problem = DrawTraining(random);
        var stepByStep = _settings.DemoStyle switch
        {
            DemoStyle.Step => true,
            DemoStyle.Direct => false,
            _ => random.Chance(0.5),
        };
        var hasMistake = random.Chance(_settings.DemoMistakeRate);
        var (target, _) = ArithmeticWorkings.Write(problem, stepByStep, hasMistake ? random : null);
        return new Demonstration(problem.Prompt, target, Gold(problem), hasMistake);
    }

    private SplitMix64 Stream(string name, long index) =>
        new(StableHash.Combine(_seed, StableHash.Of("arithmetic/" + name), (ulong)index));

    private ArithmeticProblem DrawTraining(SplitMix64 random)
    {
        while (true)
        {
            var problem = Draw(random);
            if (!_evalExpressions.Contains(problem.Expression)) return problem;
        }
    }

    private ArithmeticProblem Draw(SplitMix64 random)
    {
        var operation = random.Pick(_settings.Operations);
        var left = Operand(random);
        var right = Operand(random);
        if (operation == '-' && !_settings.NegativeResults && left < right) (left, right) = (right, left);
        return new ArithmeticProblem(left, operation, right);
    }

    private long Operand(SplitMix64 random)
    {
        var digits = random.NextInt(_settings.DigitsMin, _settings.DigitsMax);
        if (digits == 1) return random.NextLong(10);
        var low = (long)Math.Pow(10, digits - 1);
        return low + random.NextLong(9 * low);
    }

    private static TaskPrompt ToPrompt(ArithmeticProblem problem, string id, PromptCursor position) =>
        new(id, problem.Prompt, Gold(problem), position);

    private static string Gold(ArithmeticProblem problem) => problem.Answer.ToString(CultureInfo.InvariantCulture);
}

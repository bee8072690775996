using ActorRL.Tasks.MathAnswers;
using ActorRL.Tasks.Randomness;

namespace ActorRL.Tasks.Jsonl;

/// <summary>
/// A math dataset from a JSONL file. A record belongs to the evaluation split when a stable hash of its question
/// falls below <see cref="JsonlSettings.EvalFraction"/> — independent of the seed and of the file's order, and
/// identical questions always land on the same side. Training records are visited in a fresh seeded shuffle each
/// epoch; position (epoch, i) is the i-th record of that epoch's shuffle. Demonstrations are the records' own
/// answer texts (worked solutions in GSM8K and MATH).
/// </summary>
public sealed class JsonlTask : IVerifiableTask
{
    private readonly JsonlSettings _settings;
    private readonly ulong _seed;
    private readonly IReadOnlyList<JsonlRecord> _training;
    private readonly Lock _orderLock = new();
    private (int Epoch, int[] Order) _order = (-1, []);

    public JsonlTask(IReadOnlyList<JsonlRecord> records, JsonlSettings settings, int evalSize, long seed, double tolerance)
    {
        _settings = settings;
        _seed = (ulong)seed;
        var training = new List<JsonlRecord>();
        var eval = new List<TaskPrompt>();
        foreach (var record in records)
        {
            if (!IsEval(record.Question, settings.EvalFraction)) training.Add(record);
            else if (eval.Count < evalSize)
                eval.Add(new TaskPrompt($"jsonl:eval:{eval.Count}", Render(record), record.Gold, new PromptCursor(-1, eval.Count)));
        }
        if (training.Count == 0)
            throw new TaskDataException($"{settings.Path}: all {records.Count} records fell into the evaluation split; lower actorrl.task.jsonl.eval-fraction");
        _training = training;
        EvalPrompts = eval;
        Verifier = new MathVerifier(tolerance);
        // A character model on this data needs every character its prompts and demonstrations use, in a fixed order
        // (code point) so the same file always gives the same vocabulary.
        Alphabet = string.Concat(records.SelectMany(r => Render(r) + " " + r.Answer.Trim()).Distinct().Order());
    }

    /// <summary>Loads <see cref="JsonlSettings.Path"/> (errors are <see cref="TaskDataException"/>s naming file and line).</summary>
    public static JsonlTask Load(JsonlSettings settings, int evalSize, long seed, double tolerance)
    {
        if (settings.Path is null) throw new TaskDataException("actorrl.task.jsonl.path is not set; the jsonl task needs a dataset file");
        return new JsonlTask(JsonlRecord.ReadAll(settings.Path), settings, evalSize, seed, tolerance);
    }

    public string Name => "jsonl";
    /// <summary>Every character of the rendered prompts and demonstrations, by code point: the vocabulary of a
    /// <c>tokenizer.type = char</c> model when <c>tokenizer.alphabet</c> is null.</summary>
    public string? Alphabet { get; }
    public IReadOnlyList<TaskPrompt> EvalPrompts { get; }
    public bool HasDemonstrations => true;
    public IAnswerVerifier Verifier { get; }

    /// <summary>Number of training records (one epoch).</summary>
    public int TrainingCount => _training.Count;

    /// <summary>Whether a question belongs to the evaluation split (by a stable hash, never by position).</summary>
    public static bool IsEval(string question, double evalFraction) =>
        StableHash.Of(question) % 1_000_000 < (ulong)(evalFraction * 1_000_000);

    public TaskPrompt PromptAt(PromptCursor position)
    {
        var record = RecordAt(position);
        return new TaskPrompt($"jsonl:{position}", Render(record), record.Gold, position);
    }

    public PromptCursor After(PromptCursor position) =>
        position.Index + 1 >= _training.Count ? new PromptCursor(position.Epoch + 1, 0) : position with { Index = position.Index + 1 };

    public Demonstration DemonstrationAt(long index)
    {
        var record = RecordAt(new PromptCursor((int)(index / _training.Count), index % _training.Count));
        return new Demonstration(Render(record), " " + record.Answer.Trim(), record.Gold, HasMistake: false);
    }

    private JsonlRecord RecordAt(PromptCursor position)
    {
        if (position.Epoch < 0 || position.Index < 0 || position.Index >= _training.Count)
            throw new ArgumentOutOfRangeException(nameof(position), position, $"an epoch has {_training.Count} training records");
        return _training[OrderOf(position.Epoch)[position.Index]];
    }

    /// <summary>The shuffle of one epoch, cached for the epoch being read (callers move through epochs in order).</summary>
    private int[] OrderOf(int epoch)
    {
        lock (_orderLock)
        {
            if (_order.Epoch == epoch) return _order.Order;
            var order = Enumerable.Range(0, _training.Count).ToArray();
            new SplitMix64(StableHash.Combine(_seed, StableHash.Of("jsonl/shuffle"), (ulong)epoch)).Shuffle(order);
            _order = (epoch, order);
            return order;
        }
    }

    private string Render(JsonlRecord record) =>
        _settings.Template.Replace(JsonlSettings.QuestionSlot, record.Question, StringComparison.Ordinal);
}

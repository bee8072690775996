using System.Text.Json;
using ActorRL.Tasks.Jsonl;

namespace ActorRL.Tasks.Tests.Jsonl;

public sealed class JsonlTaskTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrl-jsonl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(IEnumerable<string> lines)
    {
        var path = Path.Combine(_dir, $"data{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string Line(string question, string answer) => JsonSerializer.Serialize(new { question, answer });

    private string Dataset(int count) =>
        Write(Enumerable.Range(0, count).Select(i => Line($"What is {i} + {i}?", $"{i} + {i} = <<{i}+{i}={2 * i}>>{2 * i}\n#### {2 * i}")));

    private static JsonlSettings Settings(string path, double evalFraction = 0.2) => new(path, "Question: {question}\nAnswer:", evalFraction);

    [Fact]
    public void Reads_gsm8k_and_math_gold_answers_and_fills_the_template()
    {
        var path = Write([
            Line("Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?",
                "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72"),
            Line(@"What is $\frac{1}{2} + \frac{1}{4}$?", @"We have $\frac{1}{2} + \frac{1}{4} = \frac{2}{4} + \frac{1}{4} = \boxed{\frac{3}{4}}$."),
            "",
        ]);
        var records = JsonlRecord.ReadAll(path);
        Assert.Equal(["72", @"\frac{3}{4}"], records.Select(r => r.Gold));
        var task = new JsonlTask(records, Settings(path, evalFraction: 0), evalSize: 10, seed: 1, tolerance: 1e-6);
        var prompts = new PromptStream(task, PromptCursor.Start).Take(2);
        Assert.Contains(prompts, p => p.Text == "Question: Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?\nAnswer:");
        Assert.True(task.Verifier.Verify("72", " They sold 72 clips.\n#### 72").Correct);
        Assert.True(task.Verifier.Verify(@"\frac{3}{4}", @" The sum is $\boxed{0.75}$").Correct);
    }

    [Fact]
    public void Its_alphabet_covers_every_prompt_and_demonstration_in_code_point_order_whatever_the_file_order()
    {
        var lines = new[] { Line("Ünïcode? 3 × 4", "3 × 4 = 12\n#### 12"), Line("What is 7 - 2?", "7 - 2 = 5\n#### 5") };
        var forward = Write(lines);
        var task = new JsonlTask(JsonlRecord.ReadAll(forward), Settings(forward), evalSize: 10, seed: 1, tolerance: 1e-6);
        var reversed = Write(lines.Reverse());
        var alphabet = task.Alphabet!;
        Assert.Equal(alphabet, new JsonlTask(JsonlRecord.ReadAll(reversed), Settings(reversed), evalSize: 10, seed: 1, tolerance: 1e-6).Alphabet);
        Assert.Equal(string.Concat(alphabet.Order()), alphabet);
        Assert.Equal(alphabet.Length, alphabet.Distinct().Count());
        // Eval prompts, training prompts and demonstrations (the warm start's targets) are all spelled in it.
        var texts = task.EvalPrompts.Select(p => p.Text)
            .Concat(Enumerable.Range(0, task.TrainingCount).SelectMany(i => new[] { task.PromptAt(new PromptCursor(0, i)).Text, task.DemonstrationAt(i).Target }));
        Assert.All(texts, text => Assert.All(text, c => Assert.Contains(c, alphabet)));
        Assert.Contains('Ü', alphabet);
        Assert.Contains('\n', alphabet);
    }

    [Fact]
    public void Eval_split_is_disjoint_from_training_and_independent_of_seed_and_order()
    {
        var path = Dataset(500);
        var records = JsonlRecord.ReadAll(path);
        var task = new JsonlTask(records, Settings(path), evalSize: 1000, seed: 1, tolerance: 1e-6);
        var eval = task.EvalPrompts.Select(p => p.Text).ToHashSet();
        var training = new PromptStream(task, PromptCursor.Start).Take(task.TrainingCount).Select(p => p.Text).ToList();

        Assert.Empty(training.Intersect(eval));
        Assert.Equal(500, eval.Count + training.Distinct().Count());
        Assert.InRange(eval.Count, 70, 130); // ~20 %

        var reversed = new JsonlTask(records.AsEnumerable().Reverse().ToList(), Settings(path), 1000, seed: 99, tolerance: 1e-6);
        Assert.Equal(eval, reversed.EvalPrompts.Select(p => p.Text).ToHashSet());
    }

    [Fact]
    public void Duplicate_questions_land_on_the_same_side()
    {
        var lines = Enumerable.Range(0, 200).Select(i => Line($"Q{i % 50}", $"#### {i}"));
        var path = Write(lines);
        var task = new JsonlTask(JsonlRecord.ReadAll(path), Settings(path, 0.3), 1000, 1, 1e-6);
        var eval = task.EvalPrompts.Select(p => p.Text).ToHashSet();
        var training = new PromptStream(task, PromptCursor.Start).Take(task.TrainingCount).Select(p => p.Text);
        Assert.Empty(training.Intersect(eval));
    }

    [Fact]
    public void Each_epoch_is_a_fresh_seeded_shuffle_of_all_training_records()
    {
        var path = Dataset(60);
        var task = new JsonlTask(JsonlRecord.ReadAll(path), Settings(path), 1000, 7, 1e-6);
        var n = task.TrainingCount;
        var stream = new PromptStream(task, PromptCursor.Start);
        var epoch0 = stream.Take(n);
        Assert.Equal(new PromptCursor(1, 0), stream.Position);
        var epoch1 = stream.Take(n);
        Assert.Equal(epoch0.Select(p => p.Text).Order(), epoch1.Select(p => p.Text).Order());
        Assert.NotEqual(epoch0.Select(p => p.Text), epoch1.Select(p => p.Text));
        Assert.Equal(2 * n, epoch0.Concat(epoch1).Select(p => p.Id).Distinct().Count());

        var other = new JsonlTask(JsonlRecord.ReadAll(path), Settings(path), 1000, 8, 1e-6);
        Assert.NotEqual(epoch0.Select(p => p.Text), new PromptStream(other, PromptCursor.Start).Take(n).Select(p => p.Text));
    }

    [Fact]
    public void Resuming_across_an_epoch_boundary_yields_what_an_uninterrupted_run_yields()
    {
        var path = Dataset(40);
        JsonlTask Fresh() => new(JsonlRecord.ReadAll(path), Settings(path), 1000, 3, 1e-6);
        var total = Fresh().TrainingCount * 2 + 5;
        var uninterrupted = new PromptStream(Fresh(), PromptCursor.Start).Take(total);
        var first = new PromptStream(Fresh(), PromptCursor.Start);
        var before = first.Take(Fresh().TrainingCount - 3);
        var after = new PromptStream(Fresh(), first.Position).Take(total - before.Count);
        Assert.Equal(uninterrupted, before.Concat(after));
    }

    [Fact]
    public void Demonstrations_are_the_records_solutions()
    {
        var path = Dataset(20);
        var task = new JsonlTask(JsonlRecord.ReadAll(path), Settings(path, 0), 10, 3, 1e-6);
        var demo = task.DemonstrationAt(5);
        Assert.EndsWith($"#### {demo.Gold}", demo.Target);
        Assert.True(task.Verifier.Verify(demo.Gold, demo.Target).Correct);
    }

    [Theory]
    [InlineData("{\"question\": \"q\"}", ":1: missing \"answer\"")]
    [InlineData("{\"question\": \"q\", \"answer\": [1]}", ":1: \"answer\" must be a string")]
    [InlineData("{\"question\": \"q\", \"answer\": \"#### 4\"}\nnot json", ":2: not valid JSON")]
    [InlineData("{\"question\": \"q\", \"answer\": \"#### \"}", ":1: the answer has no final answer")]
    public void Bad_lines_are_reported_with_file_and_line(string content, string expected)
    {
        var path = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllText(path, content);
        var error = Assert.Throws<TaskDataException>(() => JsonlRecord.ReadAll(path));
        Assert.Contains(path + expected, error.Message);
    }

    [Fact]
    public void A_missing_file_is_reported_by_name()
    {
        var error = Assert.Throws<TaskDataException>(() => JsonlTask.Load(Settings("/no/such/file.jsonl"), 10, 1, 1e-6));
        Assert.Contains("/no/such/file.jsonl", error.Message);
    }
}

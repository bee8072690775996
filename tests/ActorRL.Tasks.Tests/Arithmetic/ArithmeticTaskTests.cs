using System.Text.RegularExpressions;
using ActorRL.Core.Configuration;
using ActorRL.Tasks.Arithmetic;

namespace ActorRL.Tasks.Tests.Arithmetic;

public class ArithmeticTaskTests
{
    private static ArithmeticSettings Settings(string overrides = "") =>
        ArithmeticSettings.FromConfig(SettingsReader.FromReference(overrides, "actorrl.task.arithmetic"));

    private static ArithmeticTask Task(string overrides = "", int evalSize = 200, long seed = 1234) => new(Settings(overrides), evalSize, seed);

    [Fact]
    public void Defaults_are_short_two_to_three_digit_additions_and_subtractions()
    {
        var task = Task();
        var prompts = new PromptStream(task, PromptCursor.Start).Take(500);
        Assert.All(prompts, p => Assert.Matches(@"^\d{2,3}[+-]\d{2,3}:$", p.Text));
        Assert.Contains(prompts, p => p.Text.Contains('+'));
        Assert.Contains(prompts, p => p.Text.Contains('-'));
        Assert.All(prompts, p => Assert.True(long.Parse(p.Gold) >= 0, "negative-results = false by default"));
        foreach (var p in prompts)
        {
            var m = Regex.Match(p.Text, @"^(\d+)([+-])(\d+):$");
            long a = long.Parse(m.Groups[1].Value), b = long.Parse(m.Groups[3].Value);
            Assert.Equal(m.Groups[2].Value == "+" ? a + b : a - b, long.Parse(p.Gold));
        }
    }

    [Fact]
    public void Resuming_from_a_saved_position_yields_what_an_uninterrupted_run_yields()
    {
        var uninterrupted = new PromptStream(Task(), PromptCursor.Start).Take(300);

        var first = new PromptStream(Task(), PromptCursor.Start);
        var before = first.Take(117);
        var saved = PromptCursor.Parse(first.Position.ToString()); // what the learner persists
        var after = new PromptStream(Task(), saved).Take(183); // a new process, a new task instance

        Assert.Equal(uninterrupted, before.Concat(after));
        Assert.Equal(uninterrupted.Count, uninterrupted.Select(p => p.Id).Distinct().Count());
    }

    [Fact]
    public void The_seed_decides_the_stream()
    {
        var a = new PromptStream(Task(seed: 1), PromptCursor.Start).Take(50).Select(p => p.Text);
        var b = new PromptStream(Task(seed: 2), PromptCursor.Start).Take(50).Select(p => p.Text);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Eval_split_never_overlaps_training_prompts_or_demonstrations()
    {
        // One-digit operands make a small space (10·10 additions + 55 ordered subtractions), so overlaps would be
        // frequent if the split were not enforced.
        var task = Task("actorrl.task.arithmetic { digits-min = 1, digits-max = 1 }", evalSize: 60);
        var eval = task.EvalPrompts.Select(p => p.Text).ToHashSet();
        Assert.Equal(60, eval.Count);
        var training = new PromptStream(task, PromptCursor.Start).Take(5000);
        Assert.DoesNotContain(training, p => eval.Contains(p.Text));
        Assert.DoesNotContain(Enumerable.Range(0, 2000).Select(i => task.DemonstrationAt(i)), d => eval.Contains(d.Prompt));
        Assert.True(training.Select(p => p.Text).Distinct().Count() > 80, "training still covers the rest of the space");
    }

    [Fact]
    public void Eval_prompts_are_fixed_and_distinct_with_their_own_ids()
    {
        var a = Task().EvalPrompts;
        Assert.Equal(a, Task().EvalPrompts);
        Assert.Equal(200, a.Select(p => p.Text).Distinct().Count());
        Assert.All(a, p => Assert.StartsWith("arithmetic:eval:", p.Id));
    }

    [Fact]
    public void Demonstrations_are_correct_except_the_deliberate_mistakes_which_the_verifier_rejects()
    {
        var task = Task("actorrl.task.arithmetic { demo-mistake-rate = 0.2, demo-style = mixed }");
        var demos = Enumerable.Range(0, 2000).Select(i => task.DemonstrationAt(i)).ToList();
        foreach (var demo in demos)
        {
            var verdict = task.Verifier.Verify(demo.Gold, demo.Target);
            Assert.True(verdict.Formatted, demo.Target);
            Assert.Equal(!demo.HasMistake, verdict.Correct);
        }
        var mistakeRate = demos.Count(d => d.HasMistake) / (double)demos.Count;
        Assert.InRange(mistakeRate, 0.16, 0.24);
        var stepRate = demos.Count(d => d.Target.Contains('=')) / (double)demos.Count;
        Assert.InRange(stepRate, 0.45, 0.55);
        var again = Task("actorrl.task.arithmetic { demo-mistake-rate = 0.2, demo-style = mixed }");
        Assert.Equal(demos.Take(200), Enumerable.Range(0, 200).Select(i => again.DemonstrationAt(i)));
    }

    [Theory]
    [InlineData("step", true)]
    [InlineData("direct", false)]
    public void Demo_style_is_honoured(string style, bool steps)
    {
        var task = Task($"actorrl.task.arithmetic.demo-style = {style}");
        Assert.All(Enumerable.Range(0, 100).Select(i => task.DemonstrationAt(i)), d => Assert.Equal(steps, d.Target.Contains('=')));
    }

    [Fact]
    public void All_text_stays_inside_the_documented_alphabet()
    {
        var task = Task("actorrl.task.arithmetic { operations = [\"+\", \"-\", \"*\"], negative-results = true, demo-mistake-rate = 0.5 }");
        var alphabet = task.Alphabet!.ToHashSet();
        Assert.Equal(task.Alphabet, new string(task.Alphabet.Order().ToArray()));
        var texts = new PromptStream(task, PromptCursor.Start).Take(1000).Select(p => p.Text + p.Gold)
            .Concat(Enumerable.Range(0, 1000).Select(i => task.DemonstrationAt(i)).Select(d => d.Prompt + d.Target));
        foreach (var text in texts) Assert.All(text, c => Assert.Contains(c, alphabet));
    }

    [Fact]
    public void Multiplication_and_negative_results_can_be_turned_on()
    {
        var task = Task("actorrl.task.arithmetic { operations = [\"*\", \"-\"], negative-results = true }");
        var prompts = new PromptStream(task, PromptCursor.Start).Take(400);
        Assert.Contains(prompts, p => p.Text.Contains('*'));
        Assert.Contains(prompts, p => p.Gold.StartsWith('-'));
        Assert.DoesNotContain(prompts, p => p.Text.Contains('+'));
    }
}

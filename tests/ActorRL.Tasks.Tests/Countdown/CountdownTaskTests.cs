using ActorRL.Core.Configuration;
using ActorRL.Tasks.Countdown;

namespace ActorRL.Tasks.Tests.Countdown;

public class CountdownTaskTests
{
    private static CountdownSettings Settings(string overrides = "") =>
        CountdownSettings.FromConfig(SettingsReader.FromReference(overrides, "actorrl.task.countdown"));

    private static CountdownTask Task(string overrides = "", int evalSize = 100, long seed = 1234) => new(Settings(overrides), evalSize, seed);

    [Fact]
    public void Prompts_are_solvable_and_their_demonstration_solves_them()
    {
        var task = Task();
        for (var i = 0; i < 500; i++)
        {
            var demo = task.DemonstrationAt(i);
            var problem = CountdownProblem.ParseGold(demo.Gold);
            Assert.Equal(problem.Prompt, demo.Prompt);
            Assert.InRange(problem.Numbers.Count, 3, 4);
            Assert.All(problem.Numbers, n => Assert.InRange(n, 1, 50));
            Assert.InRange(problem.Target, 1, 200);
            Assert.True(task.Verifier.Verify(demo.Gold, demo.Target).Correct, $"{demo.Prompt}{demo.Target}");
        }
    }

    [Fact]
    public void Resuming_from_a_saved_position_yields_what_an_uninterrupted_run_yields()
    {
        var uninterrupted = new PromptStream(Task(), PromptCursor.Start).Take(120);
        var first = new PromptStream(Task(), PromptCursor.Start);
        var before = first.Take(45);
        var after = new PromptStream(Task(), first.Position).Take(75);
        Assert.Equal(uninterrupted, before.Concat(after));
    }

    [Fact]
    public void Eval_split_never_overlaps_training()
    {
        // Tiny numbers make repeats common, so the split has to be enforced, not lucky.
        var task = Task("actorrl.task.countdown { numbers-min = 2, numbers-max = 2, max-number = 6, max-target = 40 }", evalSize: 10);
        var eval = task.EvalPrompts.Select(p => Canonical(p.Gold)).ToHashSet();
        var training = new PromptStream(task, PromptCursor.Start).Take(2000).Select(p => Canonical(p.Gold)).ToList();
        Assert.DoesNotContain(training, eval.Contains);
        Assert.True(training.Distinct().Count() > 10);
    }

    [Fact]
    public void All_text_stays_inside_the_documented_alphabet()
    {
        var task = Task();
        var alphabet = task.Alphabet!.ToHashSet();
        var texts = Enumerable.Range(0, 500).Select(i => task.DemonstrationAt(i)).Select(d => d.Prompt + d.Target);
        foreach (var text in texts) Assert.All(text, c => Assert.Contains(c, alphabet));
    }

    private static string Canonical(string gold)
    {
        var p = CountdownProblem.ParseGold(gold);
        return $"{p.Target}:{string.Join(',', p.Numbers.Order())}";
    }
}

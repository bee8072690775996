using ActorRL.Cli.Live;
using Spectre.Console;
using static ActorRL.Cli.Tests.Live.LiveSnapshots;

namespace ActorRL.Cli.Tests.Live;

public sealed class LiveProgressViewTests
{
    private static readonly LiveViewOptions Fast = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));

    private static IAnsiConsole Console(StringWriter writer, bool ansi)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.TrueColor : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 80;
        return console;
    }

    /// <summary>Hands out the snapshots in order and ends the view after the last one.</summary>
    private static (Func<Task<LiveSnapshot>> Poll, CancellationTokenSource Stop) Script(params Func<LiveSnapshot>[] steps)
    {
        var stop = new CancellationTokenSource();
        var next = 0;
        return (() =>
        {
            var i = next++;
            if (i >= steps.Length - 1) stop.Cancel();
            return Task.FromResult(steps[Math.Min(i, steps.Length - 1)]());
        }, stop);
    }

    [Fact]
    public void AConsoleWritingToAStringIsNotAnInteractiveTerminal()
    {
        Assert.False(LiveProgressView.IsInteractiveTerminal(Console(new StringWriter(), ansi: true)));
    }

    [Fact]
    public void ThePanelShowsEveryNumberOfTheSnapshotOnAnEightyColumnTerminal()
    {
        var output = new StringWriter();
        Console(output, ansi: false).Write(LiveDashboard.Render(MidRl()));
        var text = output.ToString();
        foreach (var expected in new[]
                 {
                     "ActorRL", "RL", "step 37/120", "v137", "00:03:12", "████████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░ 31%",
                     "reward", "0.512", "accuracy", "31.0% → 54.0%", "response length", "12.3", "clip fraction", "2.13%",
                     "entropy", "0.456", "generator tokens/s", "1,234", "staleness mean/max", "0.80 / 2",
                     "dropped stale/uniform", "3 / 5", "waits for due groups", "buffer / in flight", "3 of 8 / 4", "learner step", "1.23 s",
                     "idle learner/generators", "12% / 40%",
                 })
            Assert.Contains(expected, text);
    }

    [Fact]
    public void MissingNumbersShowAsDashes()
    {
        var output = new StringWriter();
        var warmStart = new LiveSnapshot { Stage = RunStage.Sft, Step = 10, TotalSteps = 100, Version = 10, Elapsed = TimeSpan.FromSeconds(3), Loss = 1.5 };
        Console(output, ansi: false).Write(LiveDashboard.Render(warmStart));
        var text = output.ToString();
        Assert.Contains("warm start", text);
        Assert.Contains("step 10/100", text);
        Assert.Contains("1.5000", text);
        Assert.Matches(@"reward\s+—", text);
        Assert.DoesNotContain("NaN", text);
    }

    [Fact]
    public async Task InteractiveModeRedrawsThePanelInPlaceUntilStopped()
    {
        var output = new StringWriter();
        var view = new LiveProgressView(Console(output, ansi: true), interactive: true, Fast);
        var (poll, stop) = Script(
            () => MidRl() with { Step = 36, Reward = 0.498 },
            () => MidRl() with { Step = 37, Reward = 0.512 },
            () => MidRl() with { Step = 38, Reward = 0.533 });
        await view.RunAsync(poll, stop.Token).WaitAsync(TimeSpan.FromSeconds(10));
        var text = output.ToString();
        // Spectre redraws on its own clock, so a fast script may skip a state; the last one is always shown.
        Assert.Contains("step 38/120", text);
        Assert.Contains("0.533", text);
        Assert.Matches(@"\u001b\[\d+A", text); // cursor up: the panel is redrawn in place, not appended
    }

    [Fact]
    public async Task PlainModeWritesStructuredLogLinesWithTheKeyNumbersAndNothingOnTheConsole()
    {
        var output = new StringWriter();
        var sink = new CollectingSink();
        var view = new LiveProgressView(Console(output, ansi: false), interactive: false, Fast, sink.CreateLogger());
        var (poll, stop) = Script(
            () => new LiveSnapshot { Stage = RunStage.Sft, Step = 50, TotalSteps = 100, Version = 50, Elapsed = TimeSpan.FromSeconds(20), Loss = 0.7321 },
            MidRl);
        await view.RunAsync(poll, stop.Token).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("", output.ToString());
        var messages = sink.Messages();
        Assert.Equal(2, messages.Count);
        Assert.Equal("Warm start step 50/100: loss 0.7321, elapsed 00:00:20", messages[0]);
        foreach (var expected in new[] { "RL step 37/120 v137", "reward 0.512", "accuracy 54.0 %", "length 12.3", "clip 2.13 %", "entropy 0.456",
                     "staleness 0.80/2", "dropped 3 stale + 5 uniform", "6 waits for a due group", "1234 tokens/s", "learner step 1.23 s", "idle learner 12 % generators 40 %", "elapsed 00:03:12" })
            Assert.Contains(expected, messages[1]);
        var rl = sink.Events.Last();
        Assert.Equal(0.512, CollectingSink.Property(rl, "Reward"));
        Assert.Equal(0.54, CollectingSink.Property(rl, "Accuracy"));
        Assert.Equal(37, CollectingSink.Property(rl, "Step"));
        Assert.Equal(0.12, CollectingSink.Property(rl, "LearnerIdleFraction"));
    }

    [Fact]
    public async Task AFailedPollIsLoggedOnceAndTheViewGoesOn()
    {
        var sink = new CollectingSink();
        var view = new LiveProgressView(Console(new StringWriter(), ansi: false), interactive: false, Fast, sink.CreateLogger());
        var (poll, stop) = Script(
            () => throw new TimeoutException("coordinator did not answer"),
            () => throw new TimeoutException("coordinator did not answer"),
            MidRl);
        await view.RunAsync(poll, stop.Token).WaitAsync(TimeSpan.FromSeconds(10));

        var warning = Assert.Single(sink.Messages(Serilog.Events.LogEventLevel.Warning));
        Assert.Contains("coordinator did not answer", warning);
        Assert.Contains("RL step 37/120", Assert.Single(sink.Messages()));
    }

    [Fact]
    public async Task StoppingBeforeTheFirstPollEndsQuietly()
    {
        var sink = new CollectingSink();
        var view = new LiveProgressView(Console(new StringWriter(), ansi: true), interactive: true, Fast, sink.CreateLogger());
        var polled = false;
        await view.RunAsync(() => { polled = true; return Task.FromResult(MidRl()); }, new CancellationToken(canceled: true));
        Assert.False(polled);
        Assert.Empty(sink.Events);
    }
}

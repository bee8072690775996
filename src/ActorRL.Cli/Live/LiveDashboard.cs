using Spectre.Console;
using Spectre.Console.Rendering;
using static ActorRL.Cli.Live.LiveFormat;

namespace ActorRL.Cli.Live;

/// <summary>
/// The terminal panel: a header with stage, step, version and elapsed time, a progress bar, then the policy's
/// numbers on the left and the pipeline's on the right. Fits an 80-column terminal.
/// </summary>
public static class LiveDashboard
{
    private const int BarWidth = 40;

    public static IRenderable Render(LiveSnapshot s)
    {
        var table = new Table { Border = TableBorder.None, ShowHeaders = false };
        // Fixed widths, so the panel does not jump about as numbers grow and shrink.
        table.AddColumn(new TableColumn("policy") { Width = 15, Padding = new Padding(0, 0, 2, 0) }.NoWrap());
        table.AddColumn(new TableColumn("value") { Width = 15, Padding = new Padding(0, 0, 4, 0) }.RightAligned().NoWrap());
        table.AddColumn(new TableColumn("pipeline") { Width = 23, Padding = new Padding(0, 0, 2, 0) }.NoWrap());
        table.AddColumn(new TableColumn("value") { Width = 13, Padding = new Padding(0, 0, 0, 0) }.RightAligned().NoWrap());

        var left = new (string, string)[]
        {
            ("[bold]Policy[/]", ""),
            ("reward", Number(s.Reward)),
            ("accuracy", Accuracy(s)),
            ("response length", Number(s.ResponseLength, "F1")),
            ("clip fraction", Percent(s.ClipFraction, 2)),
            ("entropy", Number(s.Entropy)),
            ("loss", Number(s.Loss, "F4")),
            ("", ""),
        };
        var right = new (string, string)[]
        {
            ("[bold]Pipeline[/]", ""),
            ("generator tokens/s", Number(s.TokensPerSecond, "N0")),
            ("staleness mean/max", $"{Number(s.StalenessMean, "F2")} / {Number(s.StalenessMax, "F0")}"),
            ("dropped stale/uniform", $"{Count(s.DroppedStale)} / {Count(s.DroppedUniform)}"),
            ("waits for due groups", Count(s.WaitsForDueGroup)),
            ("buffer / in flight", $"{s.Buffered} of {s.BufferCapacity} / {s.InFlight}"),
            ("learner step", Seconds(s.LearnerStepSeconds)),
            ("idle learner/generators", $"{Percent(s.LearnerIdleFraction, 0)} / {Percent(s.GeneratorIdleFraction, 0)}"),
        };
        for (var i = 0; i < left.Length; i++)
            table.AddRow(Label(left[i].Item1), new Markup(Markup.Escape(left[i].Item2)), Label(right[i].Item1), new Markup(Markup.Escape(right[i].Item2)));

        var body = new Rows(new Markup(ProgressBar(s)), new Text(""), table);
        return new Panel(body)
        {
            Header = new PanelHeader($"[bold]ActorRL[/] · {StageMarkup(s.Stage)} · step {s.Step}/{s.TotalSteps} · v{s.Version} · {Duration(s.Elapsed)}"),
            Border = BoxBorder.Rounded,
            Padding = new Padding(1, 0, 1, 0),
        };
    }

    private static IRenderable Label(string text) => text.StartsWith('[') ? new Markup(text) : new Markup($"[grey]{Markup.Escape(text)}[/]");

    private static string Accuracy(LiveSnapshot s) =>
        s.AccuracyBeforeRl is { } before && s.Accuracy is not null && s.Step > 0
            ? $"{Percent(before)} → {Percent(s.Accuracy)}"
            : Percent(s.Accuracy);

    private static string ProgressBar(LiveSnapshot s)
    {
        var fraction = s.TotalSteps > 0 ? Math.Clamp(s.Step / (double)s.TotalSteps, 0, 1) : 1;
        var filled = (int)Math.Round(fraction * BarWidth);
        var color = StageColor(s.Stage);
        // Distinct characters, not just colours: the bar must read on a terminal without colour (NO_COLOR).
        return $"[{color}]{new string('█', filled)}[/][grey35]{new string('░', BarWidth - filled)}[/] {Percent(fraction, 0)}";
    }

    private static string StageMarkup(RunStage stage) => $"[{StageColor(stage)}]{Stage(stage)}[/]";

    private static string StageColor(RunStage stage) => stage switch
    {
        RunStage.Sft => "deepskyblue1",
        RunStage.Eval => "yellow",
        RunStage.Rl => "green",
        _ => "bold green",
    };
}

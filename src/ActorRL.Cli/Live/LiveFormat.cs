using System.Globalization;

namespace ActorRL.Cli.Live;

/// <summary>Number formats of the live view; a missing value is a dash.</summary>
public static class LiveFormat
{
    public const string Missing = "—";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Number(double? value, string format = "F3") => value?.ToString(format, Invariant) ?? Missing;

    public static string Percent(double? fraction, int decimals = 1) =>
        fraction is { } f ? (f * 100).ToString("F" + decimals, Invariant) + "%" : Missing;

    public static string Seconds(double? seconds) => seconds is { } s ? s.ToString(s < 10 ? "F2" : "F1", Invariant) + " s" : Missing;

    public static string Count(long value) => value.ToString("N0", Invariant);

    public static string Duration(TimeSpan elapsed) =>
        $"{(int)elapsed.TotalHours:00}:{elapsed.Minutes:00}:{elapsed.Seconds:00}";

    public static string Stage(RunStage stage) => stage switch
    {
        RunStage.Sft => "warm start",
        RunStage.Eval => "evaluating",
        RunStage.Rl => "RL",
        _ => "done",
    };
}

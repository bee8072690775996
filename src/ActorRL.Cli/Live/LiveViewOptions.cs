namespace ActorRL.Cli.Live;

/// <summary>
/// How often the live view redraws on a terminal, and how often it writes a progress log line when the output is
/// not a terminal (a CI log gains nothing from more than one line every few seconds).
/// </summary>
public sealed record LiveViewOptions(TimeSpan RefreshInterval, TimeSpan LogInterval)
{
    public static readonly LiveViewOptions Default = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10));
}

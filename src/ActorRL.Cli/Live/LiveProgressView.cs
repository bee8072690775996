using Serilog;
using Spectre.Console;

namespace ActorRL.Cli.Live;

/// <summary>
/// Shows a run's progress while it trains. On an interactive terminal: a Spectre.Console panel redrawn in place
/// (<see cref="LiveDashboard"/>). Otherwise (output redirected, CI): one structured log line every
/// <see cref="LiveViewOptions.LogInterval"/> (<see cref="ProgressLogLine"/>). While the panel is drawn, anything
/// else written to the same terminal tears it, so keep console logging quiet during <see cref="RunAsync"/>.
/// </summary>
public sealed class LiveProgressView
{
    private readonly IAnsiConsole _console;
    private readonly ILogger? _log;
    private readonly LiveViewOptions _options;
    private string? _lastPollError;

    /// <param name="interactive">Draw the panel (true) or write log lines (false); see <see cref="IsInteractiveTerminal"/>.</param>
    /// <param name="log">Where log lines go; null means Serilog's global <see cref="Log.Logger"/> at the time of writing.</param>
    public LiveProgressView(IAnsiConsole console, bool interactive, LiveViewOptions? options = null, ILogger? log = null)
    {
        _console = console;
        Interactive = interactive;
        _options = options ?? LiveViewOptions.Default;
        _log = log;
    }

    /// <summary>The view for this process's standard output, choosing the mode from what stdout is.</summary>
    public static LiveProgressView ForStandardOutput(LiveViewOptions? options = null) =>
        new(AnsiConsole.Console, IsInteractiveTerminal(AnsiConsole.Console), options);

    public bool Interactive { get; }

    /// <summary>
    /// A panel redrawn in place needs a terminal that understands cursor movement and a person watching: stdout
    /// not redirected, ANSI support, and not a CI job (Spectre marks CI consoles non-interactive).
    /// </summary>
    public static bool IsInteractiveTerminal(IAnsiConsole console) =>
        console.Profile.Out.IsTerminal && console.Profile.Capabilities.Ansi && console.Profile.Capabilities.Interactive;

    /// <summary>
    /// Polls <paramref name="poll"/> and shows each snapshot until <paramref name="stop"/> is cancelled, then
    /// returns normally (the view ending is not an error). A failed poll is logged as a warning and the view goes
    /// on with the last snapshot: a slow actor must not end the run's display, let alone the run.
    /// </summary>
    public Task RunAsync(Func<Task<LiveSnapshot>> poll, CancellationToken stop) =>
        Interactive ? RunPanelAsync(poll, stop) : RunLogLinesAsync(poll, stop);

    private async Task RunPanelAsync(Func<Task<LiveSnapshot>> poll, CancellationToken stop)
    {
        var first = await TryPollAsync(poll, stop);
        if (first is null) return;
        await _console.Live(LiveDashboard.Render(first))
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async context =>
            {
                while (await WaitAsync(_options.RefreshInterval, stop))
                {
                    if (await TryPollAsync(poll, stop) is not { } snapshot) continue;
                    context.UpdateTarget(LiveDashboard.Render(snapshot));
                    context.Refresh();
                }
            });
    }

    private async Task RunLogLinesAsync(Func<Task<LiveSnapshot>> poll, CancellationToken stop)
    {
        do
        {
            if (await TryPollAsync(poll, stop) is { } snapshot) ProgressLogLine.Write(Log, snapshot);
        } while (await WaitAsync(_options.LogInterval, stop));
    }

    private ILogger Log => _log ?? Serilog.Log.Logger;

    private async Task<LiveSnapshot?> TryPollAsync(Func<Task<LiveSnapshot>> poll, CancellationToken stop)
    {
        if (stop.IsCancellationRequested) return null;
        try
        {
            var snapshot = await poll();
            _lastPollError = null;
            return snapshot;
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            // Once per distinct failure: a stalled actor would otherwise add a warning every refresh.
            if (e.Message != _lastPollError) Log.Warning("Live view: could not read progress ({Error}); trying again", e.Message);
            _lastPollError = e.Message;
            return null;
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // The run ended while we asked; its actors may already be gone. Nothing left to show.
            return null;
        }
    }

    /// <summary>Waits one interval; false when the view should end.</summary>
    private static async Task<bool> WaitAsync(TimeSpan interval, CancellationToken stop)
    {
        try
        {
            await Task.Delay(interval, stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

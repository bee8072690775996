using SkiaSharp;

namespace ActorRL.Cli.Plotting;

/// <summary>
/// A sans-serif font that is actually installed. ScottPlot's own choice falls back to the system default typeface,
/// which on Debian is DejaVu Serif; charts read better in a sans face.
/// </summary>
public static class ChartFont
{
    private static readonly string[] Preferred = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Open Sans", "Arial", "Helvetica", "Segoe UI"];

    public static string Name { get; } = Choose();

    private static string Choose()
    {
        var installed = SKFontManager.Default.FontFamilies.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Preferred.FirstOrDefault(installed.Contains) ?? ScottPlot.Fonts.Default;
    }
}

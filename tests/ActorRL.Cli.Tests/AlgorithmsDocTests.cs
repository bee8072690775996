using System.Text.RegularExpressions;
using ActorRL.Tests.Shared;

namespace ActorRL.Cli.Tests;

/// <summary>
/// docs/algorithms.md is the loss spec the code cites by heading (<c>docs/algorithms.md §Worked example</c>): every
/// citation in the sources, tests, configuration and docs names a heading that exists, and nothing cites the old
/// out-of-tree file.
/// </summary>
public sealed class AlgorithmsDocTests
{
    private const string Doc = "docs/algorithms.md";
    private static readonly Regex Citation = new(@"docs/algorithms\.md §(?<section>[^\n]+)");
    private static readonly string[] Scanned = ["src", "tests", "hocon", "docs", "samples", "bench"];
    private static readonly string[] Extensions = [".cs", ".conf", ".md", ".sh", ".py"];

    private static IEnumerable<(string File, string Text)> Files()
    {
        var root = RepositoryFiles.Path("");
        foreach (var top in Scanned)
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, top), "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.Split('/').Any(part => part is "bin" or "obj") || !Extensions.Contains(Path.GetExtension(file))) continue;
            yield return (relative, File.ReadAllText(file));
        }
        yield return ("README.md", File.ReadAllText(RepositoryFiles.Path("README.md")));
    }

    /// <summary>Each heading's full title and, for "Title (note)", the part before the parenthesis.</summary>
    private static IReadOnlyList<string> Sections() =>
        File.ReadAllLines(RepositoryFiles.Path(Doc))
            .Where(line => line.StartsWith("## ", StringComparison.Ordinal))
            .Select(line => line[3..].Trim())
            .SelectMany(title => title.Contains(" (") ? new[] { title, title[..title.IndexOf(" (", StringComparison.Ordinal)] } : new[] { title })
            .ToList();

    [Fact]
    public void EveryCitedSectionIsAHeadingOfTheSpec()
    {
        var sections = Sections();
        Assert.Contains("Worked example", sections);
        var citations = Files()
            .SelectMany(f => Citation.Matches(f.Text).Select(m => (f.File, Section: m.Groups["section"].Value)))
            .ToList();
        Assert.True(citations.Count >= 4, $"expected the spec to be cited by section, found {citations.Count} citations");
        var unresolved = citations
            .Where(c => !sections.Any(s => c.Section.StartsWith(s, StringComparison.Ordinal)
                                           && (c.Section.Length == s.Length || !char.IsLetterOrDigit(c.Section[s.Length]))))
            .Select(c => $"{c.File}: §{c.Section}")
            .ToList();
        Assert.True(unresolved.Count == 0, "citations of sections docs/algorithms.md lacks:\n" + string.Join("\n", unresolved));
    }

    [Fact]
    public void NothingCitesTheOutOfTreeSpec()
    {
        var old = "ALGORITHMS" + ".md"; // spelled in two parts so this file does not cite it
        var citing = Files().Where(f => f.Text.Contains(old, StringComparison.Ordinal)).Select(f => f.File).ToList();
        Assert.True(citing.Count == 0, $"{old} moved to {Doc}; still cited in: {string.Join(", ", citing)}");
    }
}

using ActorRL.Tasks.Commands;

namespace ActorRL.Tasks.Tests.Commands;

public class VerifyCommandTests
{
    [Fact]
    public void Verify_prints_the_extracted_answer_and_the_verdict()
    {
        var output = new StringWriter();
        var code = VerifyCommandLogic.Verify(@"\frac{1}{2}", @"so $x = \boxed{0.5}$", output);
        Assert.Equal(0, code);
        Assert.Equal(
            ["gold:      \\frac{1}{2}", "extracted: 0.5  [boxed]", "verdict:   correct"],
            output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public void Verify_names_a_final_statement_as_its_rule()
    {
        var output = new StringWriter();
        Assert.Equal(0, VerifyCommandLogic.Verify("#### 5", "Subtracting 3, 2x = 10, hence x = 5.", output));
        Assert.Contains("extracted: 5  [final statement]", output.ToString());
    }

    [Fact]
    public void Verify_returns_1_for_a_wrong_or_missing_answer()
    {
        var output = new StringWriter();
        Assert.Equal(1, VerifyCommandLogic.Verify("#### 72", "I do not know", output));
        Assert.Contains("extracted: (no answer found)", output.ToString());
        Assert.Contains("verdict:   wrong", output.ToString());
        Assert.Equal(1, VerifyCommandLogic.Verify("#### 72", "#### 73", new StringWriter()));
    }

    [Fact]
    public void Verify_check_prints_disagreements_and_the_tally()
    {
        var input = string.Join('\n',
            """{"gold": "#### 72", "response": "#### 72", "expected": true}""",
            """{"gold": "#### 72", "response": "#### 73", "expected": false}""",
            """{"gold": "5", "response": "\\boxed{6}", "expected": true}""",
            "",
            """{"gold": "5", "response": "5"}""",
            "not json");
        var output = new StringWriter();
        var code = VerifyCheckRunner.Run(new StringReader(input), output);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(1, code);
        Assert.Equal(4, lines.Count);
        Assert.Equal("line 3: expected correct, got wrong; gold \"5\", extracted \"6\" [boxed]", lines[0]);
        Assert.Equal("line 5: \"expected\" must be true or false", lines[1]);
        Assert.StartsWith("line 6: not valid JSON", lines[2]);
        Assert.Equal("2 passed, 3 failed", lines[3]);
    }

    [Fact]
    public void Verify_check_returns_0_when_all_agree()
    {
        var output = new StringWriter();
        Assert.Equal(0, VerifyCheckRunner.Run(new StringReader("""{"gold": "1", "response": "1", "expected": true}"""), output));
        Assert.Equal("1 passed, 0 failed", output.ToString().Trim());
    }

    [Fact]
    public void The_shipped_sample_passes()
    {
        var output = new StringWriter();
        var path = RepositoryFile("samples/verify/checks.jsonl");
        using var file = File.OpenText(path);
        var code = VerifyCheckRunner.Run(file, output);
        Assert.True(code == 0, output.ToString());
        // Every line of the sample is a case: none may be skipped unread.
        var cases = File.ReadLines(path).Count(line => line.Trim().Length > 0);
        Assert.Equal($"{cases} passed, 0 failed", output.ToString().Trim());
    }

    private static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}

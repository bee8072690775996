using ActorRL.Core.Configuration;
using ActorRL.Tasks.Arithmetic;
using ActorRL.Tasks.Rewards;

namespace ActorRL.Tasks.Tests.Settings;

public class TaskSettingsTests
{
    private static TaskSettings Task(string overrides = "") => TaskSettings.FromConfig(SettingsReader.FromReference(overrides, "actorrl.task"));

    [Fact]
    public void Reference_defaults_are_valid_and_documented_values()
    {
        var task = Task();
        Assert.Equal((TaskName.Arithmetic, 200), (task.Name, task.EvalSize));
        Assert.Equal((2, 3), (task.Arithmetic.DigitsMin, task.Arithmetic.DigitsMax));
        Assert.Equal(['+', '-'], task.Arithmetic.Operations);
        Assert.Equal(DemoStyle.Mixed, task.Arithmetic.DemoStyle);
        Assert.Null(task.Jsonl.Path);
        Assert.Contains("{question}", task.Jsonl.Template);

        var verifier = VerifierSettings.FromConfig(SettingsReader.FromReference("", "actorrl.verifier"));
        Assert.Equal(new VerifierSettings(TimeSpan.FromSeconds(2), 1e-6, 0.0), verifier);
    }

    [Fact]
    public void Every_task_builds_from_its_settings()
    {
        var verifier = VerifierSettings.FromConfig(SettingsReader.FromReference("", "actorrl.verifier"));
        Assert.Equal("arithmetic", TaskFactory.Create(Task(), verifier, 1).Name);
        Assert.Equal("countdown", TaskFactory.Create(Task("actorrl.task.name = countdown"), verifier, 1).Name);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{\"question\": \"1+1?\", \"answer\": \"#### 2\"}\n{\"question\": \"2+2?\", \"answer\": \"#### 4\"}\n");
            var jsonl = TaskFactory.Create(Task($"actorrl.task {{ name = jsonl, jsonl {{ path = \"{path}\", eval-fraction = 0 }} }}"), verifier, 1);
            Assert.Equal("jsonl", jsonl.Name);
            // The data's own characters, by code point: a character model needs no configured alphabet.
            Assert.Equal("\n #+124:?AQeinorstuw", jsonl.Alphabet);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("actorrl.task.name = sudoku", "actorrl.task.name", "arithmetic | countdown | jsonl")]
    [InlineData("actorrl.task.arithmetic.operations = [\"+\", \"/\"]", "actorrl.task.arithmetic.operations", "\"/\"")]
    [InlineData("actorrl.task.arithmetic { digits-min = 3, digits-max = 2 }", "actorrl.task.arithmetic.digits-max", "≥ digits-min")]
    [InlineData("actorrl.task.arithmetic.digits-max = 12", "actorrl.task.arithmetic.digits-max", "[1, 9]")]
    [InlineData("actorrl.task.arithmetic.demo-style = fancy", "actorrl.task.arithmetic.demo-style", "step | direct | mixed")]
    [InlineData("actorrl.task.arithmetic.demo-mistake-rate = 1.5", "actorrl.task.arithmetic.demo-mistake-rate", "[0, 1]")]
    [InlineData("actorrl.task { eval-size = 100, arithmetic { digits-min = 1, digits-max = 1 } }", "actorrl.task.eval-size", "distinct problems")]
    [InlineData("actorrl.task.name = jsonl", "actorrl.task.name", "needs actorrl.task.jsonl.path")]
    [InlineData("actorrl.task.jsonl.template = \"no placeholder\"", "actorrl.task.jsonl.template", "{question}")]
    [InlineData("actorrl.task.countdown { numbers-min = 4, numbers-max = 3 }", "actorrl.task.countdown.numbers-max", "≥ numbers-min")]
    public void Bad_task_settings_name_the_key_and_what_is_allowed(string overrides, string key, string hint)
    {
        var error = Assert.Throws<SettingsException>(() => Task(overrides));
        Assert.Equal(key, error.Key);
        Assert.Contains(hint, error.Message);
    }

    [Theory]
    [InlineData("actorrl.verifier.timeout = 0s", "actorrl.verifier.timeout")]
    [InlineData("actorrl.verifier.tolerance = 0", "actorrl.verifier.tolerance")]
    [InlineData("actorrl.verifier.format-reward = -1", "actorrl.verifier.format-reward")]
    public void Bad_verifier_settings_name_the_key(string overrides, string key) =>
        Assert.Equal(key, Assert.Throws<SettingsException>(() => VerifierSettings.FromConfig(SettingsReader.FromReference(overrides, "actorrl.verifier"))).Key);
}

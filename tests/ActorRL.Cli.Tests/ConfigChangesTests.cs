using ActorRL.Cli.Commands;

namespace ActorRL.Cli.Tests;

public sealed class ConfigChangesTests
{
    [Fact]
    public void Only_changed_settings_are_listed_old_then_new()
    {
        const string before = "actorrl {\n  pipeline {\n    rl-steps = 200\n    groups-per-step = 16\n  }\n}\n";
        const string after = "actorrl {\n  pipeline {\n    rl-steps = 400\n    groups-per-step = 16\n  }\n}\n";

        Assert.Equal(new[] { "- rl-steps = 200", "+ rl-steps = 400" }, ConfigChanges.Between(before, after));
        Assert.Empty(ConfigChanges.Between(before, before));
    }
}

namespace ActorRL.Cli.Tests.Cluster;

/// <summary>Usage and configuration mistakes of `actorrl node` are one line and exit 2, before any network is touched.</summary>
public sealed class NodeCommandTests
{
    private const string Seed = "akka.tcp://actorrl@127.0.0.1:4053";

    [Theory]
    [InlineData("learner", "not a node role")]
    [InlineData("verifier", "allowed: generator")]
    public async Task An_unknown_role_is_a_usage_error(string role, string expected)
    {
        var (code, _, error) = await CliRunner.Run("node", "--role", role, "--seed-nodes", Seed);
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4053", "not an Akka address")]
    [InlineData("akka.tcp://other@127.0.0.1:4053", "ActorRL's is actorrl")]
    [InlineData("akka://actorrl", "protocol akka")]
    public async Task A_malformed_seed_node_is_a_usage_error(string seed, string expected)
    {
        var (code, _, error) = await CliRunner.Run("node", "--role", "generator", "--seed-nodes", seed);
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task Seed_nodes_are_required()
    {
        var (code, _, error) = await CliRunner.Run("node", "--role", "generator");
        Assert.Equal(2, code);
        Assert.Contains("--seed-nodes", error);
    }

    [Fact]
    public async Task A_chunk_size_that_does_not_fit_the_frame_names_both_keys()
    {
        var (code, _, error) = await CliRunner.Run("node", "--role", "generator", "--seed-nodes", Seed,
            "--set", "actorrl.cluster.weight-chunk-bytes=200000");
        Assert.Equal(2, code);
        Assert.Contains("actorrl.cluster.weight-chunk-bytes", error);
        Assert.Contains("maximum-frame-size", error);
    }

    [Fact]
    public async Task The_cluster_sample_is_valid_and_zero_local_generators_need_cluster_mode()
    {
        var (code, output, _) = await CliRunner.Run("config", "check", "samples/cluster/pipeline.conf");
        Assert.Equal(0, code);
        Assert.StartsWith("OK:", output);
        (code, _, var error) = await CliRunner.Run("config", "check", "samples/arithmetic/pipeline.conf", "--set", "actorrl.pipeline.generators=0");
        Assert.Equal(2, code);
        Assert.Contains("actorrl.pipeline.generators", error);
        Assert.Contains("cluster", error);
    }

    [Fact]
    public async Task Cluster_mode_without_the_cluster_provider_is_a_configuration_error()
    {
        var (code, _, error) = await CliRunner.Run("train", "samples/arithmetic/pipeline.conf", "--set", "actorrl.cluster.enabled=true",
            "--set", "actorrl.run.dir=" + Path.Combine(Path.GetTempPath(), "actorrl-no-provider-" + Guid.NewGuid().ToString("N")));
        Assert.Equal(2, code);
        Assert.Contains("akka.actor.provider", error);
        Assert.Contains("cluster.conf", error);
    }

    [Fact]
    public async Task An_unknown_weight_transport_names_the_allowed_ones()
    {
        var (code, _, error) = await CliRunner.Run("config", "check", "samples/cluster/pipeline.conf", "--set", "actorrl.cluster.weight-transport=udp");
        Assert.Equal(2, code);
        Assert.Contains("actorrl.cluster.weight-transport", error);
        Assert.Contains("remoting", error);
        Assert.Contains("tcp", error);
    }
}

using ActorRL.Engine.Persistence;

namespace ActorRL.Engine.Tests.Persistence;

/// <summary>Which ledger a run directory's learner, <c>actorrl ledger</c> and <c>actorrl export</c> open.</summary>
public sealed class PersistenceIdTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorrl-pid-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static PersistenceSettings Settings(string? configured = null) =>
        new(PersistenceProvider.Postgres, "Host=db", configured, 1, 1, 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    private string RunDirectory(string parent, string? runId)
    {
        var directory = Path.Combine(_root, parent, "run");
        Directory.CreateDirectory(directory);
        if (runId is not null) RunId.Write(directory, runId);
        return directory;
    }

    [Fact]
    public void Two_run_directories_of_the_same_name_get_different_persistence_ids()
    {
        var a = RunDirectory("a", RunId.New());
        var b = RunDirectory("b", RunId.New());

        Assert.NotEqual(Settings().PersistenceIdFor(a), Settings().PersistenceIdFor(b));
        Assert.Equal("learner-" + RunId.Read(a), Settings().PersistenceIdFor(a));
    }

    [Fact]
    public void A_directory_from_before_run_ids_keeps_the_id_derived_from_its_name()
    {
        var legacy = RunDirectory("old", runId: null);

        Assert.Equal("learner-run", Settings().PersistenceIdFor(legacy));
        Assert.Equal("learner-run", Settings().PersistenceIdFor(legacy + Path.DirectorySeparatorChar));
    }

    [Fact]
    public void A_configured_persistence_id_wins_over_the_run_id()
    {
        var directory = RunDirectory("a", RunId.New());

        Assert.Equal("shared-ledger", Settings("shared-ledger").PersistenceIdFor(directory));
        Assert.Equal("shared-ledger", Settings("shared-ledger").PersistenceIdOf("whatever"));
    }

    [Fact]
    public void An_emptied_run_id_file_is_an_error_not_a_silent_switch_to_another_ledger()
    {
        var directory = RunDirectory("a", runId: null);
        File.WriteAllText(Path.Combine(directory, RunId.FileName), "  \n");

        var error = Assert.Throws<InvalidDataException>(() => Settings().PersistenceIdFor(directory));
        Assert.Contains("run-id is empty", error.Message);
    }
}

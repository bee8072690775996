namespace ActorRL.Cli;

/// <summary>Process exit codes: scripts and CI depend on these.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The command ran and failed (training diverged, a check found disagreements, I/O failed).</summary>
    public const int RuntimeFailure = 1;
    /// <summary>Bad usage or bad configuration: fix the command line or the HOCON and run again.</summary>
    public const int BadUsage = 2;
}

namespace ActorRL.Tasks;

/// <summary>Why a verification produced no verdict.</summary>
public enum VerifierFailure
{
    None,
    /// <summary>The verifier did not return within <c>actorrl.verifier.timeout</c>.</summary>
    Timeout,
    /// <summary>The verifier threw.</summary>
    Exception,
}

public static class VerifierFailureNames
{
    /// <summary>The reason as counted in metrics and logs: "timeout" or "exception" (null for none).</summary>
    public static string? Reason(this VerifierFailure failure) => failure switch
    {
        VerifierFailure.Timeout => "timeout",
        VerifierFailure.Exception => "exception",
        _ => null,
    };
}

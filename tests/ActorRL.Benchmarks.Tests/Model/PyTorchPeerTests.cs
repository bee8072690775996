using ActorRL.Benchmarks.Model;

namespace ActorRL.Benchmarks.Tests.Model;

public sealed class PyTorchPeerTests
{
    /// <summary>
    /// Debian's torch calls whatever libblas.so.3 points to. The reference BLAS made the peer 6–7× slower here, which
    /// would flatter every ratio against it, so the peer refuses to be timed on it.
    /// </summary>
    [Theory]
    [InlineData("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0", true)]
    [InlineData("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3", false)]
    [InlineData("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0|/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so", false)]
    [InlineData("", false)]
    public void The_reference_blas_is_recognised_and_an_optimised_one_is_not(string mapped, bool reference)
    {
        var libraries = mapped.Split('|', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(reference, PyTorchPeer.ReferenceBlas(libraries) is not null);
    }
}

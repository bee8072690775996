using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;

namespace ActorRL.Engine.Tests.Cluster;

/// <summary>Two actor systems on 127.0.0.1 (port 0) talking over real Akka.Remote, as two processes would.</summary>
internal sealed class TwoNodes : IAsyncDisposable
{
    public ActorSystem A { get; }
    public ActorSystem B { get; }

    public TwoNodes(Config? configA = null, params string[] overrides)
    {
        A = ActorSystem.Create("actorrl", (configA ?? Akka.Configuration.Config.Empty).WithFallback(ClusterTestConfig.Node("learner", null, overrides)));
        B = ActorSystem.Create("actorrl", ClusterTestConfig.Node("generator", null, overrides));
    }

    public Address AddressOfA => ((ExtendedActorSystem)A).Provider.DefaultAddress;

    public Address AddressOfB => ((ExtendedActorSystem)B).Provider.DefaultAddress;

    /// <summary>
    /// B's reference to A's actor /user/<paramref name="name"/>. Built from the path, not found by actor selection:
    /// cluster nodes run in untrusted mode, where a selection reaches only akka.remote.trusted-selection-paths.
    /// </summary>
    public Task<IActorRef> ResolveOnA(string name) => Task.FromResult(RefTo(B, AddressOfA, name));

    /// <summary>A reference from <paramref name="from"/> to the actor /user/<paramref name="name"/> of the node at <paramref name="address"/>.</summary>
    public static IActorRef RefTo(ActorSystem from, Address address, string name) =>
        ((ExtendedActorSystem)from).Provider.ResolveActorRef(new RootActorPath(address) / "user" / name);

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(A.Terminate(), B.Terminate());
    }
}

/// <summary>Collects every message it gets (tests read them from another thread).</summary>
internal sealed class Collector : ReceiveActor
{
    public Collector(ConcurrentQueue<object> into, SemaphoreSlim signal) =>
        ReceiveAny(m =>
        {
            into.Enqueue(m);
            signal.Release();
        });

    public static (IActorRef Ref, ConcurrentQueue<object> Messages, SemaphoreSlim Signal) Start(ActorSystem system, string? name = null)
    {
        var messages = new ConcurrentQueue<object>();
        var signal = new SemaphoreSlim(0);
        var props = Props.Create(() => new Collector(messages, signal));
        return (name is null ? system.ActorOf(props) : system.ActorOf(props, name), messages, signal);
    }

    public static async Task<T> Next<T>(ConcurrentQueue<object> messages, SemaphoreSlim signal, Func<T, bool>? where = null, int seconds = 30)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (true)
        {
            var found = messages.OfType<T>().FirstOrDefault(m => where?.Invoke(m) ?? true);
            if (found is not null) return found;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await signal.WaitAsync(left))
                throw new TimeoutException($"no {typeof(T).Name} within {seconds} s; got: {string.Join(", ", messages.Select(m => m.GetType().Name))}");
        }
    }
}

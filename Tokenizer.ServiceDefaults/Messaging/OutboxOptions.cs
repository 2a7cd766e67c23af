namespace Tokenizer.ServiceDefaults.Messaging;

/// <summary>How <see cref="OutboxDispatcher"/> publishes a service's outbox.</summary>
public sealed class OutboxOptions
{
    private readonly HashSet<Type> _unordered = [];

    /// <summary>The message types whose rows may be published concurrently, in any order relative to each other.</summary>
    public IReadOnlySet<Type> UnorderedTypes => _unordered;

    /// <summary>
    /// Declares that no consumer of <typeparamref name="T"/> depends on the order of its messages (each stands alone,
    /// like a command to execute one stored row), so the dispatcher need not wait for the broker's confirm of one before
    /// publishing the next. Types not declared keep the outbox's order.
    /// </summary>
    public OutboxOptions PublishUnordered<T>() where T : class
    {
        _unordered.Add(typeof(T));
        return this;
    }
}

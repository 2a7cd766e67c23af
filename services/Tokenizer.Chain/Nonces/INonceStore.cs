using Tokenizer.Chain.Primitives;

namespace Tokenizer.Chain.Nonces;

/// <summary>A signed transaction recorded before it is broadcast.</summary>
public sealed record PendingTransaction(Address From, ulong Nonce, Hash32 Hash, byte[] Raw, DateTimeOffset CreatedAt);

/// <summary>
/// Durable record of signed transactions, so that a crash between "signed and sent" and "recorded" cannot lose a
/// nonce or produce a second, different transaction for it. The contract:
/// <list type="number">
/// <item><see cref="SaveAsync"/> is called with the signed raw bytes and nonce BEFORE the broadcast and must be durable
/// when it returns (a committed database row). (From, Nonce) is unique: saving a second, different transaction for a
/// nonce that is on record must fail with <see cref="NonceTakenException"/>.</item>
/// <item>On start-up the service calls <see cref="NonceManager.RebroadcastPendingAsync"/>, which resends the identical
/// stored bytes of every pending record (safe: same bytes, same hash), before any new transaction is signed.</item>
/// <item><see cref="RemoveAsync"/> is called only when the node definitively rejected the transaction (the nonce is free
/// again); <see cref="MarkConfirmedAsync"/> when its receipt is final.</item>
/// <item><see cref="GetHighestNonceAsync"/> returns the highest nonce ever saved (pending or confirmed) for the address;
/// the nonce manager starts above it even if the node has not seen that transaction yet.</item>
/// </list>
/// The PostgreSQL implementation lives with the services; <see cref="InMemoryNonceStore"/> is for tests and tools.
/// </summary>
public interface INonceStore
{
    Task SaveAsync(PendingTransaction transaction, CancellationToken ct = default);

    /// <summary>
    /// Saves freshly signed transactions of one sender, all or none: when a nonce is on record for a different
    /// transaction, <see cref="NonceTakenException"/> is thrown and none of these stays saved. This default saves one
    /// by one and removes what it saved before a conflict; a database store does it in one statement.
    /// </summary>
    async Task SaveManyAsync(IReadOnlyList<PendingTransaction> transactions, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var saved = new List<PendingTransaction>(transactions.Count);
        try
        {
            foreach (var transaction in transactions)
            {
                await SaveAsync(transaction, ct);
                saved.Add(transaction);
            }
        }
        catch (NonceTakenException)
        {
            foreach (var transaction in saved)
            {
                await RemoveAsync(transaction.From, transaction.Nonce, transaction.Hash, CancellationToken.None);
            }
            throw;
        }
    }

    Task RemoveAsync(Address from, ulong nonce, Hash32 hash, CancellationToken ct = default);

    Task MarkConfirmedAsync(Address from, ulong nonce, Hash32 hash, CancellationToken ct = default);

    Task<IReadOnlyList<PendingTransaction>> GetPendingAsync(Address from, CancellationToken ct = default);

    /// <summary>The pending records of <paramref name="from"/> with a nonce of at least <paramref name="fromNonce"/>, by nonce.</summary>
    async Task<IReadOnlyList<PendingTransaction>> GetPendingFromAsync(Address from, ulong fromNonce, CancellationToken ct = default) =>
        (await GetPendingAsync(from, ct)).Where(p => p.Nonce >= fromNonce).ToArray();

    Task<ulong?> GetHighestNonceAsync(Address from, CancellationToken ct = default);
}

/// <summary>An in-process <see cref="INonceStore"/> (not crash safe: for tests, tools and single-run jobs).</summary>
public sealed class InMemoryNonceStore : INonceStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(Address, ulong), PendingTransaction> _pending = new();
    private readonly Dictionary<Address, ulong> _highest = new();

    public Task SaveAsync(PendingTransaction transaction, CancellationToken ct = default)
    {
        lock (_lock)
        {
            var key = (transaction.From, transaction.Nonce);
            if (_pending.TryGetValue(key, out var existing) && existing.Hash != transaction.Hash)
            {
                throw new NonceTakenException(transaction.From, transaction.Nonce, existing.Hash.ToString());
            }

            _pending[key] = transaction;
            if (!_highest.TryGetValue(transaction.From, out var h) || transaction.Nonce > h)
            {
                _highest[transaction.From] = transaction.Nonce;
            }
        }
        return Task.CompletedTask;
    }

    public Task RemoveAsync(Address from, ulong nonce, Hash32 hash, CancellationToken ct = default)
    {
        lock (_lock)
        {
            if (_pending.TryGetValue((from, nonce), out var existing) && existing.Hash == hash)
            {
                _pending.Remove((from, nonce));
                // The nonce is free again, so the highest ever used is recomputed from what remains.
                var remaining = _pending.Keys.Where(k => k.Item1 == from).Select(k => (ulong?)k.Item2).Max();
                if (_highest.TryGetValue(from, out var h) && h == nonce)
                {
                    if (remaining is { } r)
                    {
                        _highest[from] = r;
                    }
                    else
                    {
                        _highest.Remove(from);
                    }
                }
            }
        }
        return Task.CompletedTask;
    }

    public Task MarkConfirmedAsync(Address from, ulong nonce, Hash32 hash, CancellationToken ct = default)
    {
        lock (_lock)
        {
            if (_pending.TryGetValue((from, nonce), out var existing) && existing.Hash == hash)
            {
                _pending.Remove((from, nonce));
            }
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PendingTransaction>> GetPendingAsync(Address from, CancellationToken ct = default)
    {
        lock (_lock)
        {
            IReadOnlyList<PendingTransaction> list = _pending.Values.Where(p => p.From == from).OrderBy(p => p.Nonce).ToArray();
            return Task.FromResult(list);
        }
    }

    public Task<ulong?> GetHighestNonceAsync(Address from, CancellationToken ct = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_highest.TryGetValue(from, out var h) ? h : (ulong?)null);
        }
    }
}

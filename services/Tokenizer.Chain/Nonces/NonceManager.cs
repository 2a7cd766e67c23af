using System.Collections.Concurrent;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Transactions;

namespace Tokenizer.Chain.Nonces;

/// <summary>
/// Hands out nonces for the platform's signer addresses. Each address has an async lock; a
/// <see cref="NonceReservation"/> holds it until the nonce is committed (the transaction was recorded and sent) or
/// released (nothing was sent, the next reservation gets the same nonce), so concurrent senders never share a nonce
/// and never leave a gap. The first use of an address reads eth_getTransactionCount(pending) and the store's highest
/// nonce; "nonce too low/high" answers resync from the node.
/// </summary>
public sealed class NonceManager
{
    private readonly EthRpcClient _rpc;
    private readonly INonceStore _store;
    private readonly ConcurrentDictionary<Address, AddressState> _states = new();

    public NonceManager(EthRpcClient rpc, INonceStore store)
    {
        _rpc = rpc ?? throw new ArgumentNullException(nameof(rpc));
        _store = store ?? throw new ArgumentNullException(nameof(store));
    }

    /// <summary>How many times <see cref="SendAsync"/> re-signs after a nonce error before giving up.</summary>
    public int MaxNonceRetries { get; init; } = 3;

    /// <summary>How many times <see cref="SendAsync"/> signs again after the store reports the nonce taken by another process.</summary>
    public int MaxConflictRetries { get; init; } = 64;

    internal sealed class AddressState
    {
        internal readonly SemaphoreSlim Lock = new(1, 1);
        internal ulong? Next;
    }

    /// <summary>Waits for the address's lock and reserves its next nonce. Dispose the reservation to release it.</summary>
    public async Task<NonceReservation> ReserveAsync(Address address, CancellationToken ct = default)
    {
        var state = _states.GetOrAdd(address, _ => new AddressState());
        await state.Lock.WaitAsync(ct);
        try
        {
            if (state.Next is null)
            {
                var chain = await _rpc.GetTransactionCountAsync(address, BlockTag.Pending, ct);
                var stored = await _store.GetHighestNonceAsync(address, ct);
                state.Next = stored is { } s && s + 1 > chain ? s + 1 : chain;
            }
            return new NonceReservation(this, state, address, state.Next.Value);
        }
        catch (Exception)
        {
            state.Lock.Release();
            throw;
        }
    }

    /// <summary>Forgets the cached nonce; the next reservation reads it from the node again.</summary>
    public async Task ResyncAsync(Address address, CancellationToken ct = default)
    {
        var state = _states.GetOrAdd(address, _ => new AddressState());
        await state.Lock.WaitAsync(ct);
        try
        { state.Next = await _rpc.GetTransactionCountAsync(address, BlockTag.Pending, ct); }
        finally { state.Lock.Release(); }
    }

    /// <summary>
    /// Signs, records (before broadcasting) and sends a transaction built for the reserved nonce. On "nonce too low"
    /// (another sender used it) or "nonce too high" the record is dropped, the nonce resynced from the node and the
    /// transaction rebuilt and re-signed. When the broadcast's outcome is unknown (timeout), the nonce stays committed
    /// and <see cref="BroadcastOutcomeUnknownException"/> carries the signed bytes to resend.
    /// </summary>
    public async Task<SignedTransaction> SendAsync(EthKey key, Func<ulong, ITransaction> build, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(build);
        var conflicts = 0;
        for (var attempt = 0; ; attempt++)
        {
            await using var reservation = await ReserveAsync(key.Address, ct);
            var transaction = build(reservation.Nonce);
            if (transaction.Nonce != reservation.Nonce)
            {
                throw new InvalidOperationException($"The transaction was built with nonce {transaction.Nonce}, not the reserved {reservation.Nonce}.");
            }

            var signed = transaction.Sign(key);
            try
            {
                await _store.SaveAsync(new PendingTransaction(key.Address, signed.Nonce, signed.Hash, signed.Raw, DateTimeOffset.UtcNow), ct);
            }
            catch (NonceTakenException) when (conflicts++ < MaxConflictRetries)
            {
                // Another process signs for this address too (replicas): start again above what the store holds.
                attempt--;
                reservation.ForgetAndRelease();
                continue;
            }

            try
            {
                await _rpc.SendRawTransactionAsync(signed, ct);
                reservation.Commit();
                return signed;
            }
            catch (RpcException e) when ((e.IsNonceTooLow || e.IsNonceTooHigh) && attempt < MaxNonceRetries)
            {
                await _store.RemoveAsync(signed.From, signed.Nonce, signed.Hash, CancellationToken.None);
                await reservation.ResyncAndReleaseAsync(_rpc, ct);
            }
            catch (RpcException)
            {
                // A definite rejection (underpriced, insufficient funds, ...): the nonce was not used.
                await _store.RemoveAsync(signed.From, signed.Nonce, signed.Hash, CancellationToken.None);
                reservation.Release();
                throw;
            }
            catch (RpcTransportException e)
            {
                // The node may hold the transaction: keep the nonce and the stored bytes, resend them later.
                reservation.Commit();
                throw new BroadcastOutcomeUnknownException(signed, e);
            }
        }
    }

    /// <summary>
    /// Resends the identical stored bytes of every pending transaction of the address (call at start-up, before
    /// signing anything new). Transactions the node rejects as replaced are removed from the store.
    /// </summary>
    public async Task<int> RebroadcastPendingAsync(Address address, CancellationToken ct = default)
    {
        var resent = 0;
        foreach (var pending in await _store.GetPendingAsync(address, ct))
        {
            var signed = new SignedTransaction(pending.Raw, pending.Hash, pending.From, pending.Nonce);
            try
            {
                await _rpc.SendRawTransactionAsync(signed, ct);
                resent++;
            }
            catch (RpcException e) when (e.IsAlreadyKnown)
            {
                // The node still holds it from before the restart: that is the outcome a resend wants.
                resent++;
            }
            catch (RpcException e) when (e.IsNonceTooLow)
            {
                // Not known by hash yet the nonce is used: another transaction took it.
                await _store.RemoveAsync(pending.From, pending.Nonce, pending.Hash, ct);
            }
        }
        return resent;
    }

    internal void Complete(AddressState state, ulong nonce, bool committed)
    {
        if (committed)
        {
            state.Next = nonce + 1;
        }

        state.Lock.Release();
    }
}

/// <summary>
/// A nonce held for one sender. Exactly one of <see cref="Commit"/> (the transaction was recorded and sent) or
/// <see cref="Release"/> (nothing was sent) ends it; disposing without either releases.
/// </summary>
public sealed class NonceReservation : IAsyncDisposable, IDisposable
{
    private readonly NonceManager _manager;
    private readonly NonceManager.AddressState _state;
    private int _done;

    internal NonceReservation(NonceManager manager, NonceManager.AddressState state, Address address, ulong nonce)
    {
        _manager = manager;
        _state = state;
        Address = address;
        Nonce = nonce;
    }

    public Address Address { get; }
    public ulong Nonce { get; }

    /// <summary>The nonce is used; the next reservation gets Nonce + 1.</summary>
    public void Commit() => Finish(committed: true);

    /// <summary>The nonce is not used; the next reservation gets it again.</summary>
    public void Release() => Finish(committed: false);

    /// <summary>Drops the cached next nonce (the next reservation reads node and store again) and releases.</summary>
    internal void ForgetAndRelease()
    {
        if (Volatile.Read(ref _done) != 0)
        {
            return;
        }

        _state.Next = null;
        Release();
    }

    internal async Task ResyncAndReleaseAsync(EthRpcClient rpc, CancellationToken ct)
    {
        if (Volatile.Read(ref _done) != 0)
        {
            return;
        }

        try
        { _state.Next = await rpc.GetTransactionCountAsync(Address, BlockTag.Pending, ct); }
        catch (Exception) { _state.Next = null; throw; }
        finally { Release(); }
    }

    private void Finish(bool committed)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            return;
        }

        _manager.Complete(_state, Nonce, committed);
    }

    public void Dispose() => Release();

    public ValueTask DisposeAsync()
    {
        Release();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The broadcast got no answer: the node may or may not have the transaction. The nonce stays used and the signed
/// bytes are in the store; resend exactly <see cref="Transaction"/>, never a re-signed one.
/// </summary>
public sealed class BroadcastOutcomeUnknownException(SignedTransaction transaction, Exception inner)
    : Exception($"Broadcast of {transaction.Hash} got no answer; resend the same bytes.", inner)
{
    public SignedTransaction Transaction { get; } = transaction;
}

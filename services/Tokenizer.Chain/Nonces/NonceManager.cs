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
        internal readonly ConcurrentQueue<SendRequest> Queue = new();
        internal readonly Queue<SendRequest> Retry = new();
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
    /// The most transactions one lock holder signs, records and broadcasts together (one store write, one JSON-RPC
    /// batch). 1 sends them one at a time.
    /// </summary>
    public int MaxGroupSize { get; init; } = 32;

    /// <summary>
    /// Signs, records (before broadcasting) and sends a transaction built for the next nonce of the key's address.
    /// Concurrent calls for one address are combined: whoever holds the address's lock takes every call queued
    /// behind it (up to <see cref="MaxGroupSize"/>), gives them consecutive nonces in arrival order, records all their
    /// signed bytes in one <see cref="INonceStore.SaveManyAsync"/> and broadcasts them as one JSON-RPC batch in nonce
    /// order. The rules of a single send hold for each member:
    /// <list type="bullet">
    /// <item>"nonce too low" (another sender used it): the record is dropped, the nonce resynced from the node and the
    /// transaction rebuilt and re-signed (up to <see cref="MaxNonceRetries"/> times);</item>
    /// <item>a definite rejection: the record is dropped and the caller gets the <see cref="RpcException"/>; when a
    /// later member of its group was accepted, its nonce is filled with a zero-value transfer to the sender itself, so
    /// that nothing queued behind the gap is stuck;</item>
    /// <item>no answer (timeout): the nonce stays used and <see cref="BroadcastOutcomeUnknownException"/> carries the
    /// signed bytes to resend.</item>
    /// </list>
    /// Once a call is in a group it is no longer cancelled by its token: its bytes may already be on record.
    /// </summary>
    public async Task<SignedTransaction> SendAsync(EthKey key, Func<ulong, ITransaction> build, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(build);
        var state = _states.GetOrAdd(key.Address, _ => new AddressState());
        var request = new SendRequest(build);
        state.Queue.Enqueue(request);
        while (!request.Done.Task.IsCompleted)
        {
            try
            {
                await state.Lock.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (request.TryCancel())
            {
                throw;
            }
            catch (OperationCanceledException)
            {
                // Already taken into a group: its outcome comes regardless.
                break;
            }

            try
            {
                while (!request.Done.Task.IsCompleted && TakeGroup(state) is { Count: > 0 } group)
                {
                    await SendGroupAsync(state, key, group);
                }
            }
            finally
            {
                state.Lock.Release();
            }
        }
        return await request.Done.Task;
    }

    /// <summary>Members to sign again (a nonce error) first, then the queue, in arrival order. Under the lock.</summary>
    private List<SendRequest> TakeGroup(AddressState state)
    {
        var group = new List<SendRequest>();
        while (group.Count < MaxGroupSize && state.Retry.Count > 0)
        {
            group.Add(state.Retry.Dequeue());
        }

        while (group.Count < MaxGroupSize && state.Queue.TryDequeue(out var next))
        {
            if (next.TryTake())
            {
                group.Add(next);
            }
        }
        return group;
    }

    private async Task SendGroupAsync(AddressState state, EthKey key, List<SendRequest> group)
    {
        // Sign with consecutive nonces and record all of them (all or none) before anything is broadcast.
        var conflicts = 0;
        List<(SendRequest Request, ITransaction Transaction, SignedTransaction Signed)> signed;
        while (true)
        {
            ulong next;
            try
            {
                next = state.Next ??= await FirstNonceAsync(key.Address);
            }
            catch (Exception e)
            {
                FailAll(group, e);
                return;
            }

            signed = [];
            foreach (var request in group)
            {
                var nonce = next + (ulong)signed.Count;
                try
                {
                    var transaction = request.Build(nonce);
                    if (transaction.Nonce != nonce)
                    {
                        throw new InvalidOperationException($"The transaction was built with nonce {transaction.Nonce}, not the reserved {nonce}.");
                    }
                    signed.Add((request, transaction, transaction.Sign(key)));
                }
                catch (Exception e)
                {
                    request.Done.TrySetException(e);
                }
            }
            if (signed.Count == 0)
            {
                return;
            }

            try
            {
                var now = DateTimeOffset.UtcNow;
                await _store.SaveManyAsync(signed.Select(m => new PendingTransaction(key.Address, m.Signed.Nonce, m.Signed.Hash, m.Signed.Raw, now)).ToList(), CancellationToken.None);
                break;
            }
            catch (NonceTakenException) when (conflicts++ < MaxConflictRetries)
            {
                // Another process signs for this address too (replicas): start again above what the store holds.
                state.Next = null;
                group = signed.Select(m => m.Request).ToList();
            }
            catch (Exception e)
            {
                // Nothing was recorded, so nothing is sent and the nonces stay free.
                FailAll(signed.Select(m => m.Request), e);
                return;
            }
        }

        IReadOnlyList<RpcResponse> answers;
        try
        {
            answers = await _rpc.BatchAsync(signed.Select(m => new RpcRequest("eth_sendRawTransaction", m.Signed.RawHex)).ToList(), CancellationToken.None);
        }
        catch (RpcTransportException e)
        {
            // The node may hold any of them: keep the nonces and the stored bytes, resend them later.
            state.Next = signed[^1].Signed.Nonce + 1;
            foreach (var member in signed)
            {
                member.Request.Done.TrySetException(new BroadcastOutcomeUnknownException(member.Signed, e));
            }
            return;
        }
        catch (RpcException e)
        {
            // The node refused the batch as a whole (no per-transaction answer): none was accepted.
            await RemoveAsync(signed.Select(m => m.Signed));
            FailAll(signed.Select(m => m.Request), e);
            return;
        }

        var outcomes = new RpcException?[signed.Count];
        for (var i = 0; i < signed.Count; i++)
        {
            outcomes[i] = await OutcomeAsync(signed[i].Signed, answers[i]);
        }

        var lastAccepted = Array.FindLastIndex(outcomes, o => o is null);
        var gaps = new List<ITransaction>();
        for (var i = 0; i < signed.Count; i++)
        {
            var (request, transaction, sent) = signed[i];
            if (outcomes[i] is not { } error)
            {
                request.Done.TrySetResult(sent);
                continue;
            }

            await RemoveAsync([sent]);
            if (!error.IsNonceTooLow && i < lastAccepted && Filler(key.Address, transaction) is { } filler)
            {
                gaps.Add(filler);
            }

            if ((error.IsNonceTooLow || error.IsNonceTooHigh) && request.Attempts++ < MaxNonceRetries)
            {
                state.Retry.Enqueue(request);
            }
            else
            {
                request.Done.TrySetException(error);
            }
        }

        // Any refusal: the next group starts from what the node and the store say.
        state.Next = outcomes.Any(o => o is not null) ? null : signed[^1].Signed.Nonce + 1;
        if (gaps.Count > 0)
        {
            await FillGapsAsync(key, gaps);
        }
    }

    private async Task<ulong> FirstNonceAsync(Address address)
    {
        var chain = await _rpc.GetTransactionCountAsync(address, BlockTag.Pending, CancellationToken.None);
        var stored = await _store.GetHighestNonceAsync(address, CancellationToken.None);
        return stored is { } s && s + 1 > chain ? s + 1 : chain;
    }

    /// <summary>Null when the node took the transaction (or already had these very bytes), else its refusal.</summary>
    private async Task<RpcException?> OutcomeAsync(SignedTransaction signed, RpcResponse answer)
    {
        if (answer.Error is not { } error)
        {
            return answer.Result is { ValueKind: System.Text.Json.JsonValueKind.String } result && Hash32.Parse(result.GetString()!) == signed.Hash
                ? null
                : new RpcException("eth_sendRawTransaction", 0, $"The node answered {answer.Result} for transaction {signed.Hash}.", null);
        }

        if (error.IsAlreadyKnown)
        {
            return null;
        }

        // "Nonce too low" for bytes the node already holds is an earlier send of them arriving first.
        if (error.IsNonceTooLow && await _rpc.GetTransactionByHashAsync(signed.Hash, CancellationToken.None) is not null)
        {
            return null;
        }
        return error;
    }

    /// <summary>A zero-value transfer to the sender with the refused transaction's nonce and fees, or null.</summary>
    private static ITransaction? Filler(Address sender, ITransaction refused) => Filler(sender, refused, refused.Nonce);

    /// <summary>A zero-value transfer to the sender for <paramref name="nonce"/>, priced like <paramref name="template"/>, or null.</summary>
    private static ITransaction? Filler(Address sender, ITransaction template, ulong nonce) => template switch
    {
        Eip1559Transaction t => t with { Nonce = nonce, To = sender, Value = 0, Data = [], GasLimit = 21_000, AccessList = [] },
        LegacyTransaction t => t with { Nonce = nonce, To = sender, Value = 0, Data = [], GasLimit = 21_000 },
        _ => null,
    };

    /// <summary>The most nonces one <see cref="RepairGapsAsync"/> call resends or fills.</summary>
    public int MaxGapRepairs { get; init; } = 256;

    /// <summary>
    /// Finds and closes a nonce gap of the key's address: a nonce the node holds no transaction for while a higher one
    /// has been on record for at least <paramref name="settle"/> (so it is not a group still being broadcast). A node
    /// mines nothing above a gap, so everything queued behind it would wait forever. From the node's pending nonce up
    /// to the highest such record, each nonce gets its stored bytes resent (never re-signed: a crashed replica's
    /// unbroadcast group, a filler whose broadcast got no answer) or, when nothing is on record for it (a refused
    /// member removed after a later nonce went out), a zero-value transfer to the sender, recorded before it is sent;
    /// a nonce another process records first is left to it. Cheap when there is no gap: one eth_getTransactionCount
    /// and one store read. Call it periodically from every process that signs for the address.
    /// </summary>
    public async Task<GapRepair> RepairGapsAsync(EthKey key, TimeSpan settle, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var address = key.Address;
        var cutoff = DateTimeOffset.UtcNow - settle;
        var next = await _rpc.GetTransactionCountAsync(address, BlockTag.Pending, ct);
        if (!(await _store.GetPendingFromAsync(address, next, ct)).Any(p => p.CreatedAt <= cutoff))
        {
            return GapRepair.None(next);
        }

        // Under the address's lock this process signs nothing meanwhile; the store's unique nonces guard the others.
        var state = _states.GetOrAdd(address, _ => new AddressState());
        await state.Lock.WaitAsync(ct);
        try
        {
            // Read again: the gap may have closed while we waited.
            next = await _rpc.GetTransactionCountAsync(address, BlockTag.Pending, ct);
            var above = (await _store.GetPendingFromAsync(address, next, ct)).ToDictionary(p => p.Nonce);
            if (above.Values.Where(p => p.CreatedAt <= cutoff).Select(p => (ulong?)p.Nonce).Max() is not { } top)
            {
                return GapRepair.None(next);
            }

            // Fillers are priced like the newest record above the gap: fees the node took a moment ago.
            var template = TransactionDecoder.Decode(above[top].Raw).Transaction;
            var resend = new List<SignedTransaction>();
            var fill = new List<SignedTransaction>();
            for (var nonce = next; nonce <= top && resend.Count + fill.Count < MaxGapRepairs; nonce++)
            {
                if (above.TryGetValue(nonce, out var stored))
                {
                    resend.Add(new SignedTransaction(stored.Raw, stored.Hash, stored.From, stored.Nonce));
                }
                else if (Filler(address, template, nonce) is { } filler)
                {
                    fill.Add(filler.Sign(key));
                }
            }

            if (fill.Count > 0)
            {
                try
                {
                    var now = DateTimeOffset.UtcNow;
                    await _store.SaveManyAsync(fill.Select(f => new PendingTransaction(address, f.Nonce, f.Hash, f.Raw, now)).ToList(), CancellationToken.None);
                }
                catch (NonceTakenException)
                {
                    // Another process recorded one of these nonces meanwhile (its own send or its repair): its bytes
                    // go out from there, and the next round sees what is still missing.
                    fill.Clear();
                }
            }

            var all = resend.Concat(fill).OrderBy(t => t.Nonce).ToList();
            if (all.Count == 0)
            {
                return GapRepair.None(next);
            }
            var answers = await _rpc.BatchAsync(all.Select(t => new RpcRequest("eth_sendRawTransaction", t.RawHex)).ToList(), CancellationToken.None);
            var refused = new List<(ulong Nonce, string Reason)>();
            for (var i = 0; i < all.Count; i++)
            {
                if (await OutcomeAsync(all[i], answers[i]) is not { } error)
                {
                    continue;
                }
                if (fill.Remove(all[i]))
                {
                    // A refused filler frees its nonce again (a later round signs a new one); a resent record stays
                    // with its owner (a command's tracker replaces it with a higher fee).
                    await RemoveAsync([all[i]]);
                }
                else
                {
                    resend.Remove(all[i]);
                }
                refused.Add((all[i].Nonce, error.RpcMessage));
            }
            return new GapRepair(next, resend.Select(t => t.Nonce).ToList(), fill.Select(t => t.Nonce).ToList(), refused);
        }
        finally
        {
            state.Lock.Release();
        }
    }

    private async Task FillGapsAsync(EthKey key, List<ITransaction> gaps)
    {
        var fillers = gaps.Select(g => g.Sign(key)).ToList();
        try
        {
            var now = DateTimeOffset.UtcNow;
            await _store.SaveManyAsync(fillers.Select(f => new PendingTransaction(key.Address, f.Nonce, f.Hash, f.Raw, now)).ToList(), CancellationToken.None);
            var answers = await _rpc.BatchAsync(fillers.Select(f => new RpcRequest("eth_sendRawTransaction", f.RawHex)).ToList(), CancellationToken.None);
            for (var i = 0; i < fillers.Count; i++)
            {
                if (await OutcomeAsync(fillers[i], answers[i]) is not null)
                {
                    await RemoveAsync([fillers[i]]);
                }
            }
        }
        catch (Exception e) when (e is RpcException or RpcTransportException or NonceTakenException)
        {
            // A stored filler is sent again by the next RepairGapsAsync once it has settled (or at start-up by
            // RebroadcastPendingAsync); a filler never stored leaves a gap that RepairGapsAsync fills anew.
        }
    }

    private async Task RemoveAsync(IEnumerable<SignedTransaction> transactions)
    {
        foreach (var t in transactions)
        {
            await _store.RemoveAsync(t.From, t.Nonce, t.Hash, CancellationToken.None);
        }
    }

    private static void FailAll(IEnumerable<SendRequest> requests, Exception e)
    {
        foreach (var request in requests)
        {
            request.Done.TrySetException(e);
        }
    }

    /// <summary>One caller's transaction waiting for (or in) a group.</summary>
    internal sealed class SendRequest(Func<ulong, ITransaction> build)
    {
        private const int Queued = 0, Taken = 1, Cancelled = 2;
        private int _state;

        public Func<ulong, ITransaction> Build { get; } = build;
        public TaskCompletionSource<SignedTransaction> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Attempts { get; set; }

        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

        public bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued;
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
/// What one <see cref="NonceManager.RepairGapsAsync"/> call did: the node's pending nonce it started from, the nonces
/// whose stored bytes it resent, those it filled with a zero-value transfer, and those the node refused (with why).
/// </summary>
public sealed record GapRepair(ulong PendingNonce, IReadOnlyList<ulong> Resent, IReadOnlyList<ulong> Filled, IReadOnlyList<(ulong Nonce, string Reason)> Refused)
{
    public static GapRepair None(ulong pendingNonce) => new(pendingNonce, [], [], []);

    public bool Acted => Resent.Count + Filled.Count + Refused.Count > 0;
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

using System.Diagnostics;
using System.Numerics;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Transactions;

namespace Tokenizer.Chain.Contracts;

/// <summary>Fee, gas and receipt settings of <see cref="ContractTransactionSender"/>.</summary>
public sealed record ContractTransactionSenderOptions
{
    /// <summary>maxFeePerGas = latest base fee × this + priority fee (2 survives six full blocks of +12.5%).</summary>
    public decimal BaseFeeMultiplier { get; init; } = 2m;

    /// <summary>The tip; null asks the node (eth_maxPriorityFeePerGas).</summary>
    public BigInteger? PriorityFeePerGas { get; init; }

    /// <summary>Upper bound of the tip, whatever the node suggests (default 5 gwei).</summary>
    public BigInteger MaxPriorityFeePerGas { get; init; } = 5_000_000_000;

    /// <summary>
    /// Upper bound of maxFeePerGas; null = none. When the latest base fee alone exceeds it the send fails with
    /// <see cref="FeeCapExceededException"/> before signing (a transaction that cannot be included would hold the nonce).
    /// </summary>
    public BigInteger? MaxFeePerGas { get; init; }

    /// <summary>Gas limit = eth_estimateGas × this (headroom for state changing between estimate and inclusion).</summary>
    public decimal GasLimitMultiplier { get; init; } = 1.25m;

    /// <summary>How long <see cref="ContractTransactionSender.WaitForReceiptAsync"/> polls before giving up.</summary>
    public TimeSpan ReceiptTimeout { get; init; } = TimeSpan.FromMinutes(3);

    public TimeSpan ReceiptPollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long fees read by <see cref="ContractTransactionSender.GetFeesAsync"/> are reused; zero (the default) reads
    /// the latest block and the tip for every transaction. About one block time prices a burst of transactions once a
    /// block instead of twice a transaction; <see cref="BaseFeeMultiplier"/> covers the base fee moving meanwhile.
    /// </summary>
    public TimeSpan FeeCacheDuration { get; init; } = TimeSpan.Zero;
}

/// <summary>EIP-1559 fees of one transaction.</summary>
public sealed record Eip1559Fees(BigInteger MaxFeePerGas, BigInteger MaxPriorityFeePerGas, BigInteger BaseFeePerGas);

/// <summary>A transaction that was signed, recorded in the nonce store and broadcast.</summary>
public sealed record SentTransaction(ContractCall Call, SignedTransaction Transaction, ulong GasLimit, Eip1559Fees Fees)
{
    public Hash32 Hash => Transaction.Hash;
    public ulong Nonce => Transaction.Nonce;
}

/// <summary>A successful (status 1) transaction: its receipt and the Tokenizer events it emitted.</summary>
public sealed record ContractReceipt(SentTransaction Sent, TransactionReceipt Receipt, IReadOnlyList<ContractEvent> Events)
{
    public Hash32 Hash => Receipt.TransactionHash;

    /// <summary>The created contract (contract-creation transactions).</summary>
    public Address? ContractAddress => Receipt.ContractAddress;

    /// <summary>The events of one type, in log order.</summary>
    public IReadOnlyList<TEvent> EventsOf<TEvent>() where TEvent : ContractEvent => Events.OfType<TEvent>().ToArray();

    /// <summary>The single event of this type; throws when there is none or several.</summary>
    public TEvent Single<TEvent>() where TEvent : ContractEvent => Events.OfType<TEvent>().Single();
}

/// <summary>The latest base fee is above <see cref="ContractTransactionSenderOptions.MaxFeePerGas"/>; nothing was signed.</summary>
public sealed class FeeCapExceededException(BigInteger baseFee, BigInteger cap)
    : Exception($"The base fee {baseFee} wei exceeds the configured max fee {cap} wei; nothing was sent.")
{
    public BigInteger BaseFeePerGas { get; } = baseFee;
    public BigInteger MaxFeePerGas { get; } = cap;
}

/// <summary>No receipt within the timeout. The transaction may still be mined: wait again with the same <see cref="Sent"/>; never re-sign.</summary>
public sealed class ReceiptTimeoutException(SentTransaction sent, TimeSpan timeout)
    : TimeoutException($"No receipt for {sent.Hash} (nonce {sent.Nonce}) within {timeout.TotalSeconds:0.#} s.")
{
    public SentTransaction Sent { get; } = sent;
}

/// <summary>
/// Sends <see cref="ContractCall"/>s as EIP-1559 transactions from one key:
/// <list type="number">
/// <item>pre-flight with eth_estimateGas: a revert throws <see cref="ContractRevertException"/>
/// (<see cref="RevertSource.EstimateGas"/>) before anything is signed;</item>
/// <item>fees from the latest block's base fee and the priority fee (<see cref="ContractTransactionSenderOptions"/>);</item>
/// <item><see cref="NonceManager.SendAsync"/>: nonce reserved, signed, raw bytes stored, then broadcast once;</item>
/// <item>optionally waits for the receipt: status 0 throws <see cref="ContractRevertException"/>
/// (<see cref="RevertSource.Transaction"/>), otherwise the logs are decoded to typed events.</item>
/// </list>
/// Marking the stored transaction confirmed (<see cref="INonceStore.MarkConfirmedAsync"/>) is left to the caller, which
/// knows how many confirmations it wants.
/// Disposing it stops its receipt poll loop; a caller still waiting for a receipt then gets an
/// <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class ContractTransactionSender : IDisposable
{
    private readonly EthRpcClient _rpc;
    private readonly NonceManager _nonces;
    private readonly EthKey _key;
    private readonly ulong _chainId;
    private readonly ReceiptPoller _receipts;
    private int _chainChecked;
    private CachedFees? _fees;

    public ContractTransactionSender(EthRpcClient rpc, NonceManager nonces, EthKey key, ulong chainId, ContractTransactionSenderOptions? options = null)
    {
        _rpc = rpc ?? throw new ArgumentNullException(nameof(rpc));
        _nonces = nonces ?? throw new ArgumentNullException(nameof(nonces));
        _key = key ?? throw new ArgumentNullException(nameof(key));
        ArgumentOutOfRangeException.ThrowIfZero(chainId);
        _chainId = chainId;
        Options = options ?? new ContractTransactionSenderOptions();
        if (Options.BaseFeeMultiplier < 1m)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "BaseFeeMultiplier must be at least 1.");
        }

        if (Options.GasLimitMultiplier < 1m)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "GasLimitMultiplier must be at least 1.");
        }

        _receipts = new ReceiptPoller(rpc, Options.ReceiptPollInterval);
    }

    public ContractTransactionSenderOptions Options { get; }

    /// <summary>Stops the receipt poll loop (<see cref="ReceiptPoller.Dispose"/>).</summary>
    public void Dispose() => _receipts.Dispose();

    /// <summary>The sending account.</summary>
    public Address From => _key.Address;

    /// <summary>The node this sender talks to.</summary>
    public EthRpcClient Rpc => _rpc;

    public ulong ChainId => _chainId;

    /// <summary>eth_estimateGas from <see cref="From"/>; a revert throws <see cref="ContractRevertException"/>.</summary>
    public async Task<ulong> EstimateGasAsync(ContractCall call, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await _rpc.EstimateGasAsync(call.ToCallRequest(From), null, ct);
        }
        catch (RpcException e) when (ContractRevertException.TryFromRpc(e, RevertSource.EstimateGas, call.Description, call.To, out var revert))
        {
            throw revert!;
        }
    }

    /// <summary>
    /// Fees for a transaction now: latest base fee × multiplier + tip, within the caps. Within
    /// <see cref="ContractTransactionSenderOptions.FeeCacheDuration"/> of a read, that read's answer (concurrent callers
    /// share one read; a failed read is not reused).
    /// </summary>
    public Task<Eip1559Fees> GetFeesAsync(CancellationToken ct = default)
    {
        if (Options.FeeCacheDuration <= TimeSpan.Zero)
        {
            return ReadFeesAsync(ct);
        }

        var cached = Volatile.Read(ref _fees);
        var now = Stopwatch.GetTimestamp();
        if (cached is null || Stopwatch.GetElapsedTime(cached.ReadAt, now) >= Options.FeeCacheDuration || cached.Fees.IsFaulted || cached.Fees.IsCanceled)
        {
            // The shared read is not cancelled by one caller leaving; the RPC client bounds it.
            var fresh = new CachedFees(now, ReadFeesAsync(CancellationToken.None));
            cached = Interlocked.CompareExchange(ref _fees, fresh, cached) == cached ? fresh : Volatile.Read(ref _fees)!;
        }
        return cached.Fees.WaitAsync(ct);
    }

    private sealed record CachedFees(long ReadAt, Task<Eip1559Fees> Fees);

    private async Task<Eip1559Fees> ReadFeesAsync(CancellationToken ct)
    {
        var block = await _rpc.GetBlockByNumberAsync(BlockTag.Latest, ct) ?? throw new InvalidOperationException("The node has no latest block.");
        var baseFee = block.BaseFeePerGas ?? throw new NotSupportedException("The chain has no base fee (pre-London); EIP-1559 transactions are required.");
        var tip = Options.PriorityFeePerGas ?? await _rpc.GetMaxPriorityFeePerGasAsync(ct);
        tip = BigInteger.Min(tip, Options.MaxPriorityFeePerGas);
        var maxFee = Multiply(baseFee, Options.BaseFeeMultiplier) + tip;
        if (Options.MaxFeePerGas is { } cap)
        {
            if (baseFee > cap)
            {
                throw new FeeCapExceededException(baseFee, cap);
            }

            maxFee = BigInteger.Min(maxFee, cap);
            tip = BigInteger.Min(tip, maxFee);
        }
        return new Eip1559Fees(maxFee, tip, baseFee);
    }

    /// <summary>
    /// Pre-flights (unless <paramref name="gasLimit"/> is given, which skips eth_estimateGas), prices, signs, stores and
    /// broadcasts. Returns once the node accepted the transaction; see <see cref="WaitForReceiptAsync"/>.
    /// </summary>
    /// <exception cref="ContractRevertException">The pre-flight reverted; nothing was signed.</exception>
    /// <exception cref="BroadcastOutcomeUnknownException">No answer from the node: the bytes are stored, resend them.</exception>
    public async Task<SentTransaction> SendAsync(ContractCall call, ulong? gasLimit = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        await CheckChainAsync(ct);
        var gas = gasLimit ?? (ulong)Math.Ceiling(await EstimateGasAsync(call, ct) * Options.GasLimitMultiplier);
        var fees = await GetFeesAsync(ct);
        var signed = await _nonces.SendAsync(_key, nonce => new Eip1559Transaction
        {
            ChainId = _chainId,
            Nonce = nonce,
            MaxPriorityFeePerGas = fees.MaxPriorityFeePerGas,
            MaxFeePerGas = fees.MaxFeePerGas,
            GasLimit = gas,
            To = call.To,
            Value = call.Value,
            Data = call.Data,
        }, ct);
        return new SentTransaction(call, signed, gas, fees);
    }

    /// <summary><see cref="SendAsync"/> then <see cref="WaitForReceiptAsync"/>.</summary>
    public async Task<ContractReceipt> SendAndWaitAsync(ContractCall call, ulong? gasLimit = null, CancellationToken ct = default) =>
        await WaitForReceiptAsync(await SendAsync(call, gasLimit, ct), ct);

    /// <summary>
    /// Polls for the receipt, in one JSON-RPC batch with every other receipt this sender's callers wait for
    /// (<see cref="ReceiptPoller"/>). Status 1: the receipt with its decoded events. Status 0: <see cref="ContractRevertException"/>
    /// carrying the receipt; its error is found by replaying the call (eth_call) on the state before the block, so it is
    /// the likely reason (exact unless an earlier transaction of the same block changed the outcome) and null when
    /// the replay succeeds (e.g. out of gas).
    /// </summary>
    /// <exception cref="ReceiptTimeoutException">Not mined within <see cref="ContractTransactionSenderOptions.ReceiptTimeout"/>.</exception>
    public async Task<ContractReceipt> WaitForReceiptAsync(SentTransaction sent, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sent);
        var receipt = await _receipts.WaitAsync(sent.Hash, Options.ReceiptTimeout, ct)
                      ?? throw new ReceiptTimeoutException(sent, Options.ReceiptTimeout);
        if (receipt.Succeeded)
        {
            return new ContractReceipt(sent, receipt, TokenizerEvents.DecodeAll(receipt.Logs));
        }

        throw await ExplainFailureAsync(sent, receipt, ct);
    }

    private async Task<ContractRevertException> ExplainFailureAsync(SentTransaction sent, TransactionReceipt receipt, CancellationToken ct)
    {
        // A clone's delegatecall keeps 1/64 of the gas back, so out of gas in the implementation looks like an empty
        // revert that used nearly (not exactly) the whole limit.
        var outOfGas = receipt.GasUsed * 100 >= sent.GasLimit * 95 ? $"(used {receipt.GasUsed} of {sent.GasLimit} gas: likely out of gas)" : null;
        if (receipt.BlockNumber > 0)
        {
            try
            {
                await _rpc.CallAsync(sent.Call.ToCallRequest(From, sent.GasLimit), BlockTag.Number(receipt.BlockNumber - 1), ct);
            }
            catch (RpcException e) when (ContractRevertException.TryFromRpc(e, RevertSource.Transaction, sent.Call.Description, sent.Call.To, out _))
            {
                var named = TokenizerErrors.Decode(e.RevertData).Error is not null;
                return ContractRevertException.FromRevertData(e.RevertData, RevertSource.Transaction, sent.Call.Description, sent.Call.To, receipt, e, named ? null : outOfGas);
            }
            catch (RpcException)
            {
                // The replay is only an explanation; the node may not serve old state (pruned).
            }
        }
        return ContractRevertException.FromRevertData(null, RevertSource.Transaction, sent.Call.Description, sent.Call.To, receipt, note: outOfGas);
    }

    private async Task CheckChainAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _chainChecked) != 0)
        {
            return;
        }

        var chainId = await _rpc.GetChainIdAsync(ct);
        if (chainId != _chainId)
        {
            throw new InvalidOperationException($"The node is on chain {chainId}, the sender is configured for chain {_chainId}.");
        }

        Volatile.Write(ref _chainChecked, 1);
    }

    private static BigInteger Multiply(BigInteger value, decimal factor)
    {
        // Fixed point with 6 decimals, rounded up: fees are never below value × factor.
        var scaled = new BigInteger(Math.Ceiling(factor * 1_000_000m));
        return (value * scaled + 999_999) / 1_000_000;
    }
}

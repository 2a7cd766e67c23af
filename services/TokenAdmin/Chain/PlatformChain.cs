using Microsoft.Extensions.Options;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.TokenAdmin.Chain;

/// <summary>
/// The platform signer on the configured chain: its sender (durable nonces, pipelined) and the factory it deploys
/// through. Connecting needs the node (chain id, pending rebroadcast, contract check), so it happens on first use
/// and is retried until it succeeds; <see cref="IsReady"/> feeds readiness. A failed attempt's sender is disposed, and
/// the connected one when the host disposes this singleton (after the server has drained its requests).
/// </summary>
public sealed class PlatformChain(EthRpcClient rpc, PostgresNonceStore store, IOptions<ChainOptions> options, ILogger<PlatformChain> logger)
    : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EthKey _key = EthKey.FromHex(options.Value.SignerPrivateKey);
    private volatile PlatformChainContext? _context;

    /// <summary>The signer's address (known without the chain).</summary>
    public Address Signer => _key.Address;

    public bool IsReady => _context is not null;

    /// <summary>Why the last connection attempt failed, for readiness.</summary>
    public string? LastError { get; private set; }

    public NonceManager Nonces { get; } = new(rpc, store);

    /// <summary>Closes a nonce gap of the signer (see <see cref="NonceManager.RepairGapsAsync"/>).</summary>
    public Task<GapRepair> RepairNonceGapsAsync(TimeSpan settle, CancellationToken ct) => Nonces.RepairGapsAsync(_key, settle, ct);

    public async ValueTask<PlatformChainContext> GetAsync(CancellationToken ct = default)
    {
        if (_context is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync(ct);
        try
        {
            return _context ??= await ConnectAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LastError = $"{e.GetType().Name}: {e.Message}";
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the connected sender's receipt poll loop.</summary>
    public void Dispose() => _context?.Sender.Dispose();

    private async Task<PlatformChainContext> ConnectAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var chainId = await rpc.GetChainIdAsync(ct);
        var sender = new ContractTransactionSender(rpc, Nonces, _key, chainId, new ContractTransactionSenderOptions
        {
            ReceiptTimeout = settings.ReceiptTimeout,
            ReceiptPollInterval = settings.ReceiptPollInterval,
            MaxFeePerGas = settings.MaxFeePerGas,
            FeeCacheDuration = settings.FeeCacheDuration,
        });
        try
        {
            return await ConnectAsync(sender, chainId, ct);
        }
        catch
        {
            // A deploy during the attempt may have started the sender's poll loop; the next attempt makes its own.
            sender.Dispose();
            throw;
        }
    }

    private async Task<PlatformChainContext> ConnectAsync(ContractTransactionSender sender, ulong chainId, CancellationToken ct)
    {
        var settings = options.Value;

        // Bytes signed before a crash are sent again, identically, before anything new is signed.
        var resent = await Nonces.RebroadcastPendingAsync(_key.Address, ct);
        if (resent > 0)
        {
            logger.LogInformation("Rebroadcast {Count} pending transactions of {Signer}", resent, _key.Address);
        }

        var factoryAddress = string.IsNullOrWhiteSpace(settings.FactoryAddress)
            ? PlatformDeployment.Predict(_key.Address).Factory
            : Address.Parse(settings.FactoryAddress);
        if (settings.DeployPlatformContracts)
        {
            var deployed = await PlatformDeployment.EnsureDeployedAsync(sender, _key.Address, ct);
            if (deployed.Factory != factoryAddress)
            {
                throw new InvalidOperationException(
                    $"Chain:FactoryAddress is {factoryAddress}, but the platform contracts for signer {_key.Address} are at {deployed.Factory}.");
            }
        }

        var factory = new TokenizerFactoryContract(rpc, factoryAddress);
        if ((await rpc.GetCodeAsync(factoryAddress, BlockTag.Latest, ct)).Length == 0)
        {
            throw new InvalidOperationException($"No factory is deployed at {factoryAddress} on chain {chainId}.");
        }

        if (!await factory.HasRoleAsync(TokenizerRoles.Deployer, _key.Address, ct: ct))
        {
            throw new InvalidOperationException($"The signer {_key.Address} lacks DEPLOYER_ROLE on the factory {factoryAddress}.");
        }

        logger.LogInformation("Signing as {Signer} on chain {ChainId}; factory {Factory}", _key.Address, chainId, factoryAddress);
        LastError = null;
        return new PlatformChainContext(chainId, sender, factory);
    }
}

/// <summary>What a connected <see cref="PlatformChain"/> offers.</summary>
public sealed record PlatformChainContext(ulong ChainId, ContractTransactionSender Sender, TokenizerFactoryContract Factory);

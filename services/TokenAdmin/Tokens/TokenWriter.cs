using System.Diagnostics;
using System.Numerics;
using Microsoft.Extensions.Options;
using Npgsql;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Messages.Commands;
using Tokenizer.Messages.Tokens;
using Tokenizer.ServiceDefaults.Messaging;
using Tokenizer.TokenAdmin.Apis;
using Tokenizer.TokenAdmin.Chain;
using Tokenizer.TokenAdmin.Quotas;

namespace Tokenizer.TokenAdmin.Tokens;

/// <summary>
/// Every self-service chain write: checks the token's state first (409 before the chain), takes quota where the
/// API says so, sends from the platform signer (pipelined nonces: many writes in flight at once), waits for the
/// receipt and records the outcome with its bus message in one transaction.
/// </summary>
public sealed partial class TokenWriter(
    PlatformChain chain,
    TokenStore tokens,
    QuotaStore quotas,
    NpgsqlDataSource dataSource,
    IOptions<ChainOptions> chainOptions,
    IOptionsMonitor<SelfServiceOptions> options,
    TokenAdminMetrics metrics,
    TokenUriCache tokenUris,
    AccountWallets wallets,
    PostgresNonceStore nonceStore,
    TimeProvider time,
    ILogger<TokenWriter> logger)
{
    public Address Factory { get; } = Address.Parse(chainOptions.Value.FactoryAddress!);

    /// <summary>The caller's token of this platform: 404 when unknown, 403 when another account's.</summary>
    public async Task<TokenRecord> OwnedTokenAsync(Guid userId, string addressText, CancellationToken ct)
    {
        var address = RequestContext.ParseAddress(addressText, "address");
        var token = await tokens.FindAsync(Factory, address, ct) ?? throw ApiErrorException.NotFound($"No token at {address}");
        return token.Creator == userId ? token : throw ApiErrorException.Forbidden($"Token {address} belongs to another account");
    }

    public async Task<PlatformChainContext> ChainAsync(CancellationToken ct)
    {
        try
        {
            return await chain.GetAsync(ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or ApiErrorException))
        {
            throw ApiErrorException.Chain("The chain is not reachable: " + e.Message);
        }
    }

    public static TokenizerTokenContract Contract(PlatformChainContext context, TokenRecord token) =>
        token.IsErc721
            ? new TokenizerErc721Contract(context.Factory.Rpc, Address.Parse(token.Address))
            : new TokenizerErc20Contract(context.Factory.Rpc, Address.Parse(token.Address));

    public async Task<(TokenRecord Token, WriteResult Write)> DeployAsync(Guid userId, string? plan, DeployRequest request, string? idempotencyKey, CancellationToken ct)
    {
        if (!options.CurrentValue.DeploysEnabled)
        {
            throw ApiErrorException.DeployUnavailable("Deploys are switched off on this platform");
        }
        var context = await ChainAsync(ct);
        var commandId = idempotencyKey ?? Guid.NewGuid().ToString("N");
        var salt = CommandIds.DeploySalt(userId.ToString(), commandId);
        // The platform signer keeps every role; the account's wallet (if set now) is only the reported owner().
        var admin = context.Sender.From;
        var wallet = await wallets.FindAsync(userId, ct);
        var owner = wallet ?? admin;
        var call = request.Kind == TokenRecord.Erc20
            ? context.Factory.DeployErc20(salt, request.Name, request.Symbol, request.Decimals, request.Permissionless, admin, wallet)
            : context.Factory.DeployErc721(salt, request.Name, request.Symbol, request.BaseUri ?? options.CurrentValue.TokenUriBase, request.Permissionless, admin, wallet);

        var reservation = await ReserveAsync(userId, plan, ct);
        ContractReceipt receipt;
        try
        {
            var gas = (ulong)Math.Ceiling(await PreflightAsync(context, call) * context.Sender.Options.GasLimitMultiplier);
            var fees = await context.Sender.GetFeesAsync(CancellationToken.None);
            var balance = await context.Sender.Rpc.GetBalanceAsync(admin, BlockTag.Latest, CancellationToken.None);
            if (balance < gas * fees.MaxFeePerGas)
            {
                LogSignerUnfunded(logger, admin, balance);
                throw ApiErrorException.DeployUnavailable("The platform signer cannot pay for gas right now");
            }
            receipt = await SendAsync(context, call, "deploy", gas);
        }
        catch (Exception)
        {
            await quotas.ReleaseAsync(reservation);
            throw;
        }

        var deployed = receipt.Single<TokenDeployedEvent>();
        var now = time.GetUtcNow();
        var token = new TokenRecord(deployed.Token.ToString(), request.Kind, request.Name, request.Symbol, request.Decimals, request.Permissionless,
            request.BaseUri, userId, owner.ToString(), salt.ToString(), receipt.Hash.ToString(), now);
        await using (var connection = await dataSource.OpenConnectionAsync(CancellationToken.None))
        await using (var transaction = await connection.BeginTransactionAsync(CancellationToken.None))
        {
            await TokenStore.InsertAsync(connection, transaction, Factory, token, CancellationToken.None);
            await Outbox.EnqueueAsync(connection, transaction, new TokenDeployed(token.Address, token.Kind, token.Name, token.Symbol, token.Decimals,
                token.Permissionless, userId.ToString(), token.Owner, token.DeployTransaction, (long)receipt.Receipt.BlockNumber, now), CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }
        metrics.Deployed(request.Kind);
        return (token, new WriteResult(token.DeployTransaction, (long)receipt.Receipt.BlockNumber));
    }

    public async Task<WriteResult> MintAsync(Guid userId, string? plan, TokenRecord token, MintRequest request, string? idempotencyKey, CancellationToken ct)
    {
        var context = await ChainAsync(ct);
        var stage = Stopwatch.GetTimestamp();
        var contract = Contract(context, token);
        var commandId = idempotencyKey ?? "ss-" + Guid.NewGuid().ToString("N");
        var commandHash = CommandIds.ForMintOrBurn(commandId);
        var call = token.IsErc721
            ? ((TokenizerErc721Contract)contract).Mint(commandHash, request.Owner, request.Amount)
            : ((TokenizerErc20Contract)contract).Mint(commandHash, request.Owner, request.Amount);

        // One eth_estimateGas is the whole pre-flight: the contract itself refuses a paused token and a frozen or (on a
        // permissioned token) unapproved receiver with named errors, which become a 409 before any quota is taken.
        // Reading paused/frozen/approved first would ask the node the same thing three more times per mint.
        var gas = await MintPreflightAsync(context, call, request.Owner);
        stage = metrics.WriteStage("mint", "preflight", stage);

        var amountText = token.IsErc721 ? request.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture) : Units.Format(request.Amount, token.Decimals);
        var reservation = await ReserveAndRecordMintAsync(userId, plan, token, commandId, commandHash, request, amountText, ct);
        metrics.WriteStage("mint", "reserve", stage);

        ContractReceipt receipt;
        try
        {
            receipt = await SendAsync(context, call, "mint", gas, markSpentOnSuccess: false);
        }
        catch (Exception e)
        {
            await quotas.ReleaseAsync(reservation);
            await FailMintAsync(token, commandId, commandHash, e is ApiErrorException api ? api.Message : e is ContractRevertException r ? r.Describe() : e.Message);
            throw;
        }

        stage = Stopwatch.GetTimestamp();
        await CompleteMintAsync(context, token, commandId, receipt);
        metrics.WriteStage("mint", "complete", stage);
        metrics.Minted(token.Kind);
        var tokenId = token.IsErc721 ? receipt.Single<Erc721MintedEvent>().FirstTokenId.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return new WriteResult(receipt.Hash.ToString(), (long)receipt.Receipt.BlockNumber, tokenId);
    }

    /// <summary>pause, unpause, lock-transfers, unlock-transfers, freeze, unfreeze, approve-account, unapprove-account.</summary>
    public async Task<WriteResult> ControlAsync(TokenRecord token, string action, Address? account, CancellationToken ct)
    {
        var context = await ChainAsync(ct);
        var contract = Contract(context, token);
        var paused = await contract.PausedAsync(ct: ct);
        if (paused && action != "unpause")
        {
            throw ApiErrorException.Conflict(action == "pause" ? "Token is already paused" : $"Token is paused: unpause it before {action}");
        }
        (string Control, bool Enabled, ContractCall Call) change = action switch
        {
            "pause" => (TokenControls.Paused, true, contract.Pause()),
            "unpause" => paused ? (TokenControls.Paused, false, contract.Unpause()) : throw ApiErrorException.Conflict("Token is not paused"),
            "lock-transfers" => await contract.TransfersLockedAsync(ct: ct)
                ? throw ApiErrorException.Conflict("Transfers are already locked")
                : (TokenControls.TransfersLocked, true, contract.LockTransfers()),
            "unlock-transfers" => !await contract.TransfersLockedAsync(ct: ct)
                ? throw ApiErrorException.Conflict("Transfers are not locked")
                : (TokenControls.TransfersLocked, false, contract.UnlockTransfers()),
            "freeze" => await contract.IsFrozenAsync(account!.Value, ct: ct)
                ? throw ApiErrorException.Conflict($"Account {account} is already frozen")
                : (TokenControls.Frozen, true, contract.Freeze(account.Value)),
            "unfreeze" => !await contract.IsFrozenAsync(account!.Value, ct: ct)
                ? throw ApiErrorException.Conflict($"Account {account} is not frozen")
                : (TokenControls.Frozen, false, contract.Unfreeze(account.Value)),
            "approve-account" => await contract.IsApprovedAsync(account!.Value, ct: ct)
                ? throw ApiErrorException.Conflict($"Account {account} is already approved")
                : (TokenControls.Approved, true, contract.ApproveAccount(account.Value)),
            "unapprove-account" => !await contract.IsApprovedAsync(account!.Value, ct: ct)
                ? throw ApiErrorException.Conflict($"Account {account} is not approved")
                : (TokenControls.Approved, false, contract.UnapproveAccount(account.Value)),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown control"),
        };

        var receipt = await SendAsync(context, change.Call, action);
        await using (var connection = await dataSource.OpenConnectionAsync(CancellationToken.None))
        await using (var transaction = await connection.BeginTransactionAsync(CancellationToken.None))
        {
            await Outbox.EnqueueAsync(connection, transaction, new TokenControlChanged(token.Address, change.Control, account?.ToString(), change.Enabled,
                receipt.Hash.ToString(), (long)receipt.Receipt.BlockNumber, time.GetUtcNow()), CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }
        metrics.ControlChanged(change.Control);
        return new WriteResult(receipt.Hash.ToString(), (long)receipt.Receipt.BlockNumber);
    }

    public async Task<WriteResult> SetMetadataAsync(TokenRecord token, MetadataRequest request, CancellationToken ct)
    {
        var context = await ChainAsync(ct);
        var contract = Contract(context, token);
        await RefuseWhilePausedAsync(contract, "metadata changes", ct);
        ContractCall call;
        if (contract is TokenizerErc721Contract erc721)
        {
            await RequireTokenIdAsync(erc721, request.TokenId!.Value, ct);
            call = erc721.SetTokenMetadata(request.TokenId.Value, request.Metadata);
        }
        else
        {
            call = ((TokenizerErc20Contract)contract).SetMetadata(request.Metadata);
        }
        var receipt = await SendAsync(context, call, "metadata");
        await tokenUris.InvalidateAsync(token.Address, request.TokenId);
        metrics.ControlChanged("metadata");
        return new WriteResult(receipt.Hash.ToString(), (long)receipt.Receipt.BlockNumber);
    }

    /// <summary>404 for an id that does not exist (never minted, or burned).</summary>
    public static async Task RequireTokenIdAsync(TokenizerErc721Contract contract, BigInteger tokenId, CancellationToken ct)
    {
        try
        {
            await contract.OwnerOfAsync(tokenId, ct: ct);
        }
        catch (ContractRevertException e) when (e.Is(ContractErrors.ERC721NonexistentToken))
        {
            throw ApiErrorException.NotFound($"Token id {tokenId} does not exist on {contract.Address}");
        }
    }

    private static async Task RefuseWhilePausedAsync(TokenizerTokenContract contract, string what, CancellationToken ct)
    {
        if (await contract.PausedAsync(ct: ct))
        {
            throw ApiErrorException.Conflict($"Token is paused: {what} is halted until it is unpaused");
        }
    }

    private async Task<QuotaReservation> ReserveAsync(Guid userId, string? plan, CancellationToken ct)
    {
        if (await quotas.TryReserveAsync(userId, plan, ct) is { } reservation)
        {
            return reservation;
        }
        throw await QuotaExceededAsync(userId, plan, ct);
    }

    private async Task<ApiErrorException> QuotaExceededAsync(Guid userId, string? plan, CancellationToken ct)
    {
        metrics.QuotaRefused();
        var status = await quotas.StatusAsync(userId, plan, ct);
        return ApiErrorException.QuotaExceeded($"The {status.Plan} plan's {status.Limit} deploys and mints this month are used up; the quota resets at {status.ResetsAt:yyyy-MM-ddTHH:mm:ssZ}");
    }

    /// <summary>
    /// A mint's eth_estimateGas, as the gas limit to sign with: a refusal the token's state explains is a 409 that names
    /// the receiver, and nothing is reserved or sent.
    /// </summary>
    private static async Task<ulong> MintPreflightAsync(PlatformChainContext context, ContractCall call, Address owner)
    {
        try
        {
            return (ulong)Math.Ceiling(await context.Sender.EstimateGasAsync(call, CancellationToken.None) * context.Sender.Options.GasLimitMultiplier);
        }
        catch (ContractRevertException e) when ((ExplainMint(e, owner) ?? Explain(e)) is { } error)
        {
            throw error;
        }
        catch (RpcException e) when (e.RpcMessage.Contains("insufficient funds", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiErrorException.Chain("The platform signer cannot pay for gas right now");
        }
    }

    private static ApiErrorException? ExplainMint(ContractRevertException e, Address owner) => e.ErrorName switch
    {
        ContractErrors.EnforcedPause => ApiErrorException.Conflict("Token is paused: mint is halted until it is unpaused"),
        ContractErrors.AccountFrozen => ApiErrorException.Conflict($"Account {owner} is frozen on this token and cannot receive"),
        ContractErrors.AccountNotApproved => ApiErrorException.Conflict($"Account {owner} is not approved on this permissioned token; approve it first"),
        _ => null,
    };

    /// <summary>eth_estimateGas; a refusal the token's state explains is a 409, a refused deploy a 422/409.</summary>
    private static async Task<ulong> PreflightAsync(PlatformChainContext context, ContractCall call)
    {
        try
        {
            return await context.Sender.EstimateGasAsync(call, CancellationToken.None);
        }
        catch (ContractRevertException e) when (Explain(e) is { } error)
        {
            throw error;
        }
        catch (RpcException e) when (e.RpcMessage.Contains("insufficient funds", StringComparison.OrdinalIgnoreCase))
        {
            // A node that checks the sender's funds while estimating refuses here, before anything is signed.
            throw ApiErrorException.DeployUnavailable("The platform signer cannot pay for gas right now");
        }
    }

    /// <summary>
    /// Signs and sends, then waits for the receipt. Not cancelled by the caller leaving: once a unit of quota or a
    /// nonce is spent, the outcome must be known (bounded by Chain:ReceiptTimeout).
    /// </summary>
    private async Task<ContractReceipt> SendAsync(PlatformChainContext context, ContractCall call, string operation, ulong? gas = null, bool markSpentOnSuccess = true)
    {
        var started = Stopwatch.GetTimestamp();
        SentTransaction? mined = null;
        var succeeded = false;
        try
        {
            var sent = await context.Sender.SendAsync(call, gas, CancellationToken.None);
            var broadcast = metrics.WriteStage(operation, "send", started);
            try
            {
                var receipt = await context.Sender.WaitForReceiptAsync(sent, CancellationToken.None);
                metrics.WriteStage(operation, "receipt", broadcast);
                mined = sent;
                succeeded = true;
                metrics.SendCompleted(operation, started);
                return receipt;
            }
            catch (ContractRevertException e) when (e.RevertSource == RevertSource.Transaction)
            {
                mined = sent;
                throw;
            }
        }
        catch (ContractRevertException e) when (e.RevertSource != RevertSource.Transaction && Explain(e) is { } error)
        {
            throw error;
        }
        catch (RpcException e) when (e.RpcMessage.Contains("insufficient funds", StringComparison.OrdinalIgnoreCase))
        {
            LogSignerUnfunded(logger, context.Sender.From, BigInteger.Zero);
            throw operation == "deploy"
                ? ApiErrorException.DeployUnavailable("The platform signer cannot pay for gas right now")
                : ApiErrorException.Chain("The platform signer cannot pay for gas right now");
        }
        finally
        {
            // A caller that records its outcome marks a success spent in that same transaction (markSpentOnSuccess false).
            if (mined is not null && (markSpentOnSuccess || !succeeded))
            {
                // A receipt, success or revert, spends the nonce with this hash: the durable store stops counting it as
                // pending (no resend at start-up, and the operator executor's look-up of stored bytes stays short).
                await MarkSpentAsync(context, mined);
            }
        }
    }

    private async Task MarkSpentAsync(PlatformChainContext context, SentTransaction sent)
    {
        try
        {
            await nonceStore.MarkConfirmedAsync(context.Sender.From, sent.Nonce, sent.Hash, CancellationToken.None);
        }
        catch (NpgsqlException e)
        {
            // The write has its answer already; a row left pending is resent as the same bytes at start-up, which the
            // node answers as known or nonce-too-low, so this costs nothing but a log line.
            LogMarkSpentFailed(logger, sent.Hash.ToString(), e);
        }
    }

    private static ApiErrorException? Explain(ContractRevertException e) => e.ErrorName switch
    {
        ContractErrors.EnforcedPause => ApiErrorException.Conflict("Token is paused"),
        ContractErrors.AccountFrozen => ApiErrorException.Conflict("The account is frozen on this token"),
        ContractErrors.AccountNotApproved => ApiErrorException.Conflict("The account is not approved on this permissioned token"),
        ContractErrors.CommandAlreadyExecuted => ApiErrorException.Conflict("This command id was already used on this token"),
        ContractErrors.TokenAlreadyDeployed => ApiErrorException.Conflict("A token was already deployed with this Idempotency-Key"),
        ContractErrors.BaseURITooLong => ApiErrorException.BaseUriTooLong("baseUri: longer than the contract accepts"),
        _ => null,
    };

    /// <summary>
    /// Takes the unit of quota and records the mint with its CommandSubmitted message: one batch, one implicit
    /// transaction, one round trip (<c>reserve_self_service_mint</c>, migration 0012). A refusal (command id taken,
    /// quota used up) raises inside the batch, so nothing of it is kept and no unit is lost.
    /// </summary>
    private async Task<QuotaReservation> ReserveAndRecordMintAsync(Guid userId, string? plan, TokenRecord token, string commandId, Hash32 commandHash,
        MintRequest request, string amountText, CancellationToken ct)
    {
        var limits = quotas.LimitsFor(plan);
        await using var batch = dataSource.CreateBatch();
        var reserve = new NpgsqlBatchCommand("select reserve_self_service_mint($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
        reserve.Parameters.Add(new NpgsqlParameter { Value = token.Address });
        reserve.Parameters.Add(new NpgsqlParameter { Value = commandId });
        reserve.Parameters.Add(new NpgsqlParameter { Value = commandHash.ToString() });
        reserve.Parameters.Add(new NpgsqlParameter { Value = request.Owner.ToString() });
        reserve.Parameters.Add(new NpgsqlParameter { Value = request.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        reserve.Parameters.Add(new NpgsqlParameter { Value = userId });
        reserve.Parameters.Add(new NpgsqlParameter { Value = limits.Period });
        reserve.Parameters.Add(new NpgsqlParameter { Value = limits.ClaimedPlan });
        reserve.Parameters.Add(new NpgsqlParameter { Value = limits.Plans });
        reserve.Parameters.Add(new NpgsqlParameter { Value = limits.Limits });
        reserve.Parameters.Add(new NpgsqlParameter { Value = limits.UnknownPlanLimit });
        batch.BatchCommands.Add(reserve);
        Outbox.Add(batch, new CommandSubmitted(commandId, commandHash.ToString(), "mint", token.Address,
            request.Owner.ToString(), amountText, "self-service", time.GetUtcNow()));
        try
        {
            await batch.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (PostgresException e) when (e.SqlState == CommandIdTaken)
        {
            throw ApiErrorException.Conflict($"Command id '{commandId}' was already used on this token");
        }
        catch (PostgresException e) when (e.SqlState == QuotaUsedUp)
        {
            throw await QuotaExceededAsync(userId, plan, ct);
        }
        return new QuotaReservation(userId, limits.Period);
    }

    /// <summary>The SQLSTATEs <c>reserve_self_service_mint</c> raises.</summary>
    private const string CommandIdTaken = "TZ409", QuotaUsedUp = "TZ403";

    /// <summary>The mint's success and its spent nonce, in one implicit transaction (one round trip, one commit).</summary>
    private async Task CompleteMintAsync(PlatformChainContext context, TokenRecord token, string commandId, ContractReceipt receipt)
    {
        await using var batch = dataSource.CreateBatch();
        var update = new NpgsqlBatchCommand("update self_service_mints set status = 'succeeded', tx_hash = $1 where token = $2 and command_id = $3");
        update.Parameters.Add(new NpgsqlParameter { Value = receipt.Hash.ToString() });
        update.Parameters.Add(new NpgsqlParameter { Value = token.Address });
        update.Parameters.Add(new NpgsqlParameter { Value = commandId });
        batch.BatchCommands.Add(update);
        batch.BatchCommands.Add(PostgresNonceStore.MarkConfirmedCommand(context.Sender.From, receipt.Sent.Nonce, receipt.Hash));
        await batch.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private async Task FailMintAsync(TokenRecord token, string commandId, Hash32 commandHash, string reason)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        await using (var update = new NpgsqlCommand(
            "update self_service_mints set status = 'failed' where token = @token and command_id = @command", connection, transaction))
        {
            update.Parameters.AddWithValue("token", token.Address);
            update.Parameters.AddWithValue("command", commandId);
            await update.ExecuteNonQueryAsync(CancellationToken.None);
        }
        await Outbox.EnqueueAsync(connection, transaction, new CommandFailed(commandId, commandHash.ToString(), "mint", token.Address, reason, time.GetUtcNow()),
            CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not mark transaction {Hash} spent in the nonce store; it stays pending until start-up")]
    private static partial void LogMarkSpentFailed(ILogger logger, string hash, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The platform signer {Signer} cannot pay for gas (balance {Balance} wei)")]
    private static partial void LogSignerUnfunded(ILogger logger, Address signer, BigInteger balance);
}

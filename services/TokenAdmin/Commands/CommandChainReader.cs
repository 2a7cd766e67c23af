using System.Numerics;
using Npgsql;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.Chain.Transactions;

namespace Tokenizer.TokenAdmin.Commands;

/// <summary>What the executor and tracker read to reconcile a command with the chain and the durable nonce store.</summary>
public sealed class CommandChainReader(EthRpcClient rpc, NpgsqlDataSource dataSource)
{
    private static readonly Hash32[] CommandEvents =
    [
        TokenizerEvents.Topic0<Erc20MintedEvent>(), TokenizerEvents.Topic0<Erc20BurnedEvent>(),
        TokenizerEvents.Topic0<Erc721MintedEvent>(), TokenizerEvents.Topic0<Erc721BurnedEvent>(),
    ];

    /// <summary>The transaction that executed <paramref name="commandHash"/> on <paramref name="token"/>, if one did (by its event).</summary>
    public async Task<LogEntry?> FindExecutionAsync(Address token, Hash32 commandHash, CancellationToken ct)
    {
        if (!await new TokenizerErc20Contract(rpc, token).CommandExecutedAsync(commandHash, ct: ct))
        {
            return null;
        }
        var logs = await rpc.GetLogsAsync(new LogFilter
        {
            Addresses = [token],
            Topics = [CommandEvents, [commandHash]],
        }, ct);
        return logs.FirstOrDefault(l => !l.Removed && l.TransactionHash is not null);
    }

    /// <summary>
    /// A transaction of <paramref name="signer"/> for this command that was signed and stored but whose hash never reached
    /// the command row (a crash between the two): found by decoding the stored bytes, so it is resent, never re-signed.
    /// </summary>
    public async Task<(Hash32 Hash, ulong Nonce)?> FindStoredTransactionAsync(Address signer, Address token, Hash32 commandHash, CancellationToken ct)
    {
        // The 32-byte command hash is an argument of the call, so its bytes are in the signed bytes: PostgreSQL keeps
        // only those rows, and each is decoded to check it really is this token's call with this command.
        await using var select = dataSource.CreateCommand(
            "select raw from chain_transactions where sender = @sender and status = 'pending' and position(@command in raw) > 0 order by nonce");
        select.Parameters.AddWithValue("sender", signer.ToLowerHex());
        select.Parameters.AddWithValue("command", commandHash.ToArray());
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var decoded = TransactionDecoder.Decode((byte[])reader.GetValue(0));
            if (decoded.Transaction is Eip1559Transaction { To: { } to, Data: { Length: >= 36 } data } && to == token
                && data.AsSpan(4, 32).SequenceEqual(commandHash.AsSpan()))
            {
                return (decoded.Hash, decoded.Transaction.Nonce);
            }
        }
        return null;
    }

    /// <summary>The stored signed bytes of one of our transactions (null when the store no longer has it).</summary>
    public async Task<SignedTransaction?> FindStoredBytesAsync(Address signer, Hash32 hash, CancellationToken ct)
    {
        await using var select = dataSource.CreateCommand(
            """
            select raw, nonce from chain_transactions where sender = @sender and hash = @hash
            union all select raw, nonce from operator_command_replacements where sender = @sender and hash = @hash
            """);
        select.Parameters.AddWithValue("sender", signer.ToLowerHex());
        select.Parameters.AddWithValue("hash", hash.ToString());
        await using var reader = await select.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new SignedTransaction((byte[])reader.GetValue(0), hash, signer, (ulong)reader.GetInt64(1)) : null;
    }

    /// <summary>The <paramref name="count"/> lowest token ids <paramref name="party"/> holds now (fewer when it holds fewer).</summary>
    public async Task<IReadOnlyList<BigInteger>> LowestTokenIdsAsync(Address token, Address party, int count, CancellationToken ct)
    {
        var contract = new TokenizerErc721Contract(rpc, token);
        var received = await rpc.GetLogsAsync(new LogFilter
        {
            Addresses = [token],
            Topics = [[TokenizerEvents.Topic0<Erc721TransferEvent>()], null, [AddressTopic(party)]],
        }, ct);
        var candidates = received.Where(l => !l.Removed && l.Topics.Count == 4)
            .Select(l => new BigInteger(l.Topics[3].AsSpan(), isUnsigned: true, isBigEndian: true))
            .Distinct().Order();
        var held = new List<BigInteger>(count);
        foreach (var id in candidates)
        {
            try
            {
                if (await contract.OwnerOfAsync(id, ct: ct) == party)
                {
                    held.Add(id);
                }
            }
            catch (ContractRevertException e) when (e.Is(ContractErrors.ERC721NonexistentToken))
            {
                // Burned since it was received.
            }
            if (held.Count == count)
            {
                break;
            }
        }
        return held;
    }

    private static Hash32 AddressTopic(Address address)
    {
        var bytes = new byte[32];
        address.WriteTo(bytes.AsSpan(12));
        return new Hash32(bytes);
    }
}

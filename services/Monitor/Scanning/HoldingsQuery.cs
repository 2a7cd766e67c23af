using System.Globalization;
using System.Numerics;
using Npgsql;
using Tokenizer.Chain.Primitives;
using Tokenizer.Monitor.Indexing;

namespace Tokenizer.Monitor.Scanning;

/// <summary>Balances, owners and control state as of one block, folded from the indexed events.</summary>
public static class HoldingsQuery
{
    // Addresses are stored as their 20 bytes (migration 0004); the zero address is the mint's sender and the burn's
    // receiver.
    private static readonly byte[] Zero = new byte[Address.Length];

    /// <summary>
    /// ERC20: the net change of every (token, holder) over the transfers in blocks <paramref name="after"/> + 1 to
    /// <paramref name="block"/> (zero changes left out); with <paramref name="after"/> -1, every non-zero balance.
    /// </summary>
    public static async Task<List<(string Token, string Holder, BigInteger Amount)>> Erc20BalancesAsync(NpgsqlConnection connection, string factory, long after, long block, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            with tokens as (select decode(substr(address, 3), 'hex') as token from monitor_tokens where factory = @factory and kind = 'ERC20')
            select e.token, x.holder, sum(x.delta)::text
            from monitor_events e
            join tokens t on t.token = e.token
            cross join lateral (values (e.to_addr, e.amount), (e.from_addr, -e.amount)) as x(holder, delta)
            where e.factory_id = (select id from monitor_cursors where factory = @factory)
              and e.kind = 'transfer' and e.block_number > @after and e.block_number <= @block and x.holder <> @zero
            group by e.token, x.holder having sum(x.delta) <> 0
            """, connection);
        command.Parameters.AddWithValue("factory", factory);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("block", block);
        command.Parameters.AddWithValue("zero", Zero);
        var rows = new List<(string, string, BigInteger)>();
        var names = new EventStrings();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((names.AddressAt(reader, 0)!, names.AddressAt(reader, 1)!, BigInteger.Parse(reader.GetString(2), CultureInfo.InvariantCulture)));
        }
        return rows;
    }

    /// <summary>
    /// ERC721: where the last transfer in blocks <paramref name="after"/> + 1 to <paramref name="block"/> of every token
    /// id moved it (the zero address for a burn); with <paramref name="after"/> -1, the owner of every existing id.
    /// </summary>
    public static async Task<List<(string Token, BigInteger TokenId, string Owner)>> Erc721OwnersAsync(NpgsqlConnection connection, string factory, long after, long block, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            with tokens as (select decode(substr(address, 3), 'hex') as token from monitor_tokens where factory = @factory and kind = 'ERC721')
            select token, token_id, owner from (
                select distinct on (e.token, e.amount) e.token, e.amount::text as token_id, e.to_addr as owner
                from monitor_events e
                join tokens t on t.token = e.token
                where e.factory_id = (select id from monitor_cursors where factory = @factory)
                  and e.kind = 'transfer' and e.block_number > @after and e.block_number <= @block
                order by e.token, e.amount, e.block_number desc, e.log_index desc
            ) last where @after >= 0 or owner <> @zero
            """, connection);
        command.Parameters.AddWithValue("factory", factory);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("block", block);
        command.Parameters.AddWithValue("zero", Zero);
        var rows = new List<(string, BigInteger, string)>();
        var names = new EventStrings();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((names.AddressAt(reader, 0)!, BigInteger.Parse(reader.GetString(1), CultureInfo.InvariantCulture), names.AddressAt(reader, 2)!));
        }
        return rows;
    }

    /// <summary>
    /// Each token's controls as of the block: the last value of every (control, account). The <c>kind &lt;&gt; 'transfer'</c>
    /// lets PostgreSQL read through the partial index of the events that are not transfers (migration 0003), whatever
    /// kinds are passed.
    /// </summary>
    public static async Task<Dictionary<string, TokenControlState>> ControlsAsync(NpgsqlConnection connection, string factory, long block, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            select distinct on (token, kind, coalesce(to_addr, '\x')) token, kind::text, to_addr, flag
            from monitor_events
            where factory_id = (select id from monitor_cursors where factory = @factory)
              and kind = any(@kinds::monitor_event_kind[]) and kind <> 'transfer' and block_number <= @block
            order by token, kind, coalesce(to_addr, '\x'), block_number desc, log_index desc
            """, connection);
        command.Parameters.AddWithValue("factory", factory);
        command.Parameters.AddWithValue("block", block);
        command.Parameters.AddWithValue("kinds", new[] { EventKinds.Paused, EventKinds.TransfersLocked, EventKinds.Frozen, EventKinds.Approved });
        var controls = new Dictionary<string, TokenControlState>();
        var names = new EventStrings();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var token = names.AddressAt(reader, 0)!;
            if (!controls.TryGetValue(token, out var state))
            {
                controls[token] = state = new TokenControlState();
            }
            var flag = !reader.IsDBNull(3) && reader.GetBoolean(3);
            var account = names.AddressAt(reader, 2);
            switch (reader.GetString(1))
            {
                case EventKinds.Paused:
                    state.Paused = flag;
                    break;
                case EventKinds.TransfersLocked:
                    state.TransfersLocked = flag;
                    break;
                case EventKinds.Frozen when flag && account is not null:
                    state.Frozen.Add(account);
                    break;
                case EventKinds.Approved when flag && account is not null:
                    state.Approved.Add(account);
                    break;
                default:
                    break;
            }
        }
        return controls;
    }
}

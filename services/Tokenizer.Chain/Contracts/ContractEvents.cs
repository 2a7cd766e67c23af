using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using Tokenizer.Chain.Abi;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Chain.Contracts;

/// <summary>
/// A decoded event of a Tokenizer contract. <see cref="Log"/> is the log it came from (emitting contract, block,
/// transaction, log index). Decoding looks only at topics and data: filter by <see cref="Contract"/> before trusting one.
/// </summary>
public abstract record ContractEvent
{
    public required LogEntry Log { get; init; }

    /// <summary>The contract that emitted the event.</summary>
    public Address Contract => Log.Address;
}

// ---- ERC20 ----

/// <summary>ERC20 <c>Transfer(from, to, value)</c> (mint: from is zero; burn: to is zero).</summary>
public sealed record Erc20TransferEvent(Address From, Address To, BigInteger Value) : ContractEvent;

/// <summary>ERC20 <c>Approval(owner, spender, value)</c>.</summary>
public sealed record Erc20ApprovalEvent(Address Owner, Address Spender, BigInteger Value) : ContractEvent;

/// <summary>ERC20 <c>Minted(commandId, to, amount)</c>.</summary>
public sealed record Erc20MintedEvent(Hash32 CommandId, Address To, BigInteger Amount) : ContractEvent;

/// <summary>ERC20 <c>Burned(commandId, from, amount)</c>.</summary>
public sealed record Erc20BurnedEvent(Hash32 CommandId, Address From, BigInteger Amount) : ContractEvent;

/// <summary>ERC20 <c>MetadataUpdated()</c>.</summary>
public sealed record MetadataUpdatedEvent : ContractEvent;

// ---- ERC721 ----

/// <summary>ERC721 <c>Transfer(from, to, tokenId)</c>.</summary>
public sealed record Erc721TransferEvent(Address From, Address To, BigInteger TokenId) : ContractEvent;

/// <summary>ERC721 <c>Approval(owner, approved, tokenId)</c>.</summary>
public sealed record Erc721ApprovalEvent(Address Owner, Address Approved, BigInteger TokenId) : ContractEvent;

/// <summary>ERC721 <c>ApprovalForAll(owner, operator, approved)</c>.</summary>
public sealed record ApprovalForAllEvent(Address Owner, Address Operator, bool Approved) : ContractEvent;

/// <summary>ERC721 <c>Minted(commandId, to, firstTokenId, count)</c>: ids firstTokenId .. firstTokenId + count - 1.</summary>
public sealed record Erc721MintedEvent(Hash32 CommandId, Address To, BigInteger FirstTokenId, BigInteger Count) : ContractEvent
{
    public IEnumerable<BigInteger> TokenIds
    {
        get
        {
            for (var i = BigInteger.Zero; i < Count; i++)
            {
                yield return FirstTokenId + i;
            }
        }
    }
}

/// <summary>ERC721 <c>Burned(commandId, from, tokenIds)</c>.</summary>
public sealed record Erc721BurnedEvent(Hash32 CommandId, Address From, IReadOnlyList<BigInteger> TokenIds) : ContractEvent;

/// <summary>ERC-4906 <c>MetadataUpdate(tokenId)</c> (ERC721 setTokenMetadata).</summary>
public sealed record MetadataUpdateEvent(BigInteger TokenId) : ContractEvent;

/// <summary>ERC-4906 <c>BatchMetadataUpdate(fromTokenId, toTokenId)</c> (ERC721 setBaseURI).</summary>
public sealed record BatchMetadataUpdateEvent(BigInteger FromTokenId, BigInteger ToTokenId) : ContractEvent;

/// <summary>ERC721 <c>BaseURIUpdated(baseURI)</c>.</summary>
public sealed record BaseUriUpdatedEvent(string BaseUri) : ContractEvent;

// ---- controls (both tokens) ----

/// <summary>OpenZeppelin <c>Paused(account)</c>.</summary>
public sealed record PausedEvent(Address Account) : ContractEvent;

/// <summary>OpenZeppelin <c>Unpaused(account)</c>.</summary>
public sealed record UnpausedEvent(Address Account) : ContractEvent;

/// <summary><c>TransfersLockChanged(locked)</c>.</summary>
public sealed record TransfersLockChangedEvent(bool Locked) : ContractEvent;

/// <summary><c>AccountFrozenSet(account, frozen)</c>.</summary>
public sealed record AccountFrozenSetEvent(Address Account, bool Frozen) : ContractEvent;

/// <summary><c>AccountApprovalSet(account, approved)</c> (allowlist).</summary>
public sealed record AccountApprovalSetEvent(Address Account, bool Approved) : ContractEvent;

/// <summary>OpenZeppelin Initializable <c>Initialized(version)</c>.</summary>
public sealed record InitializedEvent(ulong Version) : ContractEvent;

// ---- AccessControl (tokens and factory) ----

public sealed record RoleGrantedEvent(Hash32 Role, Address Account, Address Sender) : ContractEvent;

public sealed record RoleRevokedEvent(Hash32 Role, Address Account, Address Sender) : ContractEvent;

public sealed record RoleAdminChangedEvent(Hash32 Role, Hash32 PreviousAdminRole, Hash32 NewAdminRole) : ContractEvent;

// ---- factory ----

/// <summary>The kind of token the factory deploys (<c>KIND_ERC20</c> = 0, <c>KIND_ERC721</c> = 1).</summary>
public enum TokenKind : byte
{
    Erc20 = 0,
    Erc721 = 1,
}

/// <summary>Factory <c>TokenDeployed(token, kind, admin, salt, name, symbol)</c>.</summary>
public sealed record TokenDeployedEvent(Address Token, TokenKind Kind, Address Admin, Hash32 Salt, string Name, string Symbol) : ContractEvent;

/// <summary>
/// Decodes logs of the Tokenizer contracts into the typed <see cref="ContractEvent"/> records. Every event of the three
/// ABIs has a record (checked when this type loads). ERC20 and ERC721 <c>Transfer</c>/<c>Approval</c> share topic0 and
/// are told apart by their topic count (ERC721 indexes the token id).
/// </summary>
public static class TokenizerEvents
{
    private sealed record Entry(EventSignature Event, Type Type, Func<object?[], LogEntry, ContractEvent> Create);

    private static readonly Dictionary<(Hash32 Topic0, int Topics), Entry> Entries = Build();
    private static readonly Dictionary<Type, Hash32> Topics = Entries.Values.ToDictionary(e => e.Type, e => e.Event.Topic0);

    /// <summary>topic0 of an event record type, for eth_getLogs filters.</summary>
    public static Hash32 Topic0<TEvent>() where TEvent : ContractEvent => Topics[typeof(TEvent)];

    /// <summary>The ABI event behind a record type.</summary>
    public static EventSignature Signature<TEvent>() where TEvent : ContractEvent =>
        Entries.Values.First(e => e.Type == typeof(TEvent)).Event;

    /// <summary>Decodes a log; false for a log that is no Tokenizer event or does not decode.</summary>
    public static bool TryDecode(LogEntry log, [NotNullWhen(true)] out ContractEvent? decoded)
    {
        ArgumentNullException.ThrowIfNull(log);
        decoded = null;
        if (log.Topics.Count == 0 || !Entries.TryGetValue((log.Topics[0], log.Topics.Count), out var entry))
        {
            return false;
        }

        try
        {
            decoded = entry.Create(entry.Event.Decode(log.Topics, log.Data).Values, log);
            return true;
        }
        catch (AbiException)
        {
            return false;
        }
    }

    /// <summary>The Tokenizer events among <paramref name="logs"/>, in log order (other logs are skipped).</summary>
    public static IReadOnlyList<ContractEvent> DecodeAll(IEnumerable<LogEntry> logs)
    {
        var result = new List<ContractEvent>();
        foreach (var log in logs)
        {
            if (TryDecode(log, out var e))
            {
                result.Add(e);
            }
        }

        return result;
    }

    private static Dictionary<(Hash32, int), Entry> Build()
    {
        var factories = new Dictionary<(string Signature, int Topics), (Type Type, Func<object?[], LogEntry, ContractEvent> Create)>
        {
            [("Transfer(address,address,uint256)", 3)] = Of((v, l) => new Erc20TransferEvent(A(v[0]), A(v[1]), B(v[2])) { Log = l }),
            [("Approval(address,address,uint256)", 3)] = Of((v, l) => new Erc20ApprovalEvent(A(v[0]), A(v[1]), B(v[2])) { Log = l }),
            [("Minted(bytes32,address,uint256)", 3)] = Of((v, l) => new Erc20MintedEvent(H(v[0]), A(v[1]), B(v[2])) { Log = l }),
            [("Burned(bytes32,address,uint256)", 3)] = Of((v, l) => new Erc20BurnedEvent(H(v[0]), A(v[1]), B(v[2])) { Log = l }),
            [("MetadataUpdated()", 1)] = Of((_, l) => new MetadataUpdatedEvent { Log = l }),
            [("Transfer(address,address,uint256)", 4)] = Of((v, l) => new Erc721TransferEvent(A(v[0]), A(v[1]), B(v[2])) { Log = l }),
            [("Approval(address,address,uint256)", 4)] = Of((v, l) => new Erc721ApprovalEvent(A(v[0]), A(v[1]), B(v[2])) { Log = l }),
            [("ApprovalForAll(address,address,bool)", 3)] = Of((v, l) => new ApprovalForAllEvent(A(v[0]), A(v[1]), (bool)v[2]!) { Log = l }),
            [("Minted(bytes32,address,uint256,uint256)", 3)] = Of((v, l) => new Erc721MintedEvent(H(v[0]), A(v[1]), B(v[2]), B(v[3])) { Log = l }),
            [("Burned(bytes32,address,uint256[])", 3)] = Of((v, l) => new Erc721BurnedEvent(H(v[0]), A(v[1]), ((object?[])v[2]!).Select(B).ToArray()) { Log = l }),
            [("MetadataUpdate(uint256)", 1)] = Of((v, l) => new MetadataUpdateEvent(B(v[0])) { Log = l }),
            [("BatchMetadataUpdate(uint256,uint256)", 1)] = Of((v, l) => new BatchMetadataUpdateEvent(B(v[0]), B(v[1])) { Log = l }),
            [("BaseURIUpdated(string)", 1)] = Of((v, l) => new BaseUriUpdatedEvent((string)v[0]!) { Log = l }),
            [("Paused(address)", 1)] = Of((v, l) => new PausedEvent(A(v[0])) { Log = l }),
            [("Unpaused(address)", 1)] = Of((v, l) => new UnpausedEvent(A(v[0])) { Log = l }),
            [("TransfersLockChanged(bool)", 1)] = Of((v, l) => new TransfersLockChangedEvent((bool)v[0]!) { Log = l }),
            [("AccountFrozenSet(address,bool)", 2)] = Of((v, l) => new AccountFrozenSetEvent(A(v[0]), (bool)v[1]!) { Log = l }),
            [("AccountApprovalSet(address,bool)", 2)] = Of((v, l) => new AccountApprovalSetEvent(A(v[0]), (bool)v[1]!) { Log = l }),
            [("Initialized(uint64)", 1)] = Of((v, l) => new InitializedEvent((ulong)B(v[0])) { Log = l }),
            [("RoleGranted(bytes32,address,address)", 4)] = Of((v, l) => new RoleGrantedEvent(H(v[0]), A(v[1]), A(v[2])) { Log = l }),
            [("RoleRevoked(bytes32,address,address)", 4)] = Of((v, l) => new RoleRevokedEvent(H(v[0]), A(v[1]), A(v[2])) { Log = l }),
            [("RoleAdminChanged(bytes32,bytes32,bytes32)", 4)] = Of((v, l) => new RoleAdminChangedEvent(H(v[0]), H(v[1]), H(v[2])) { Log = l }),
            [("TokenDeployed(address,uint8,address,bytes32,string,string)", 4)] = Of((v, l) =>
                new TokenDeployedEvent(A(v[0]), (TokenKind)(byte)B(v[1]), A(v[2]), H(v[3]), (string)v[4]!, (string)v[5]!) { Log = l }),
        };
        var entries = new Dictionary<(Hash32, int), Entry>();
        foreach (var e in TokenizerArtifacts.All.SelectMany(a => a.Abi.Events))
        {
            var topics = 1 + e.Parameters.Count(p => p.Indexed);
            if (!factories.TryGetValue((e.Signature, topics), out var factory))
            {
                throw new InvalidOperationException($"No typed record for the ABI event {e.Signature} with {topics} topics.");
            }

            entries.TryAdd((e.Topic0, topics), new Entry(e, factory.Type, factory.Create));
        }
        return entries;
    }

    private static (Type, Func<object?[], LogEntry, ContractEvent>) Of<T>(Func<object?[], LogEntry, T> create) where T : ContractEvent =>
        (typeof(T), (v, l) => create(v, l));

    private static Address A(object? v) => (Address)v!;
    private static BigInteger B(object? v) => (BigInteger)v!;
    private static Hash32 H(object? v) => ContractValues.ToHash(v);
}

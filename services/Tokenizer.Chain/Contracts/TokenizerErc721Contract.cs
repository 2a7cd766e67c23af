using System.Numerics;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Chain.Contracts;

/// <summary>Typed binding of a deployed <c>TokenizerERC721</c> (a factory clone). Token ids are sequential from 1.</summary>
public sealed class TokenizerErc721Contract(EthRpcClient rpc, Address address)
    : TokenizerTokenContract(rpc, address, TokenizerArtifacts.Erc721)
{
    /// <summary>Most ids one mint may create (<c>MAX_MINT_BATCH</c>).</summary>
    public const int MaxMintBatch = 500;

    /// <summary>Longest base URI in bytes (<c>MAX_BASE_URI_LENGTH</c>).</summary>
    public const int MaxBaseUriLength = 256;

    /// <summary>A creation call for the implementation contract (the factory's clone target).</summary>
    public static ContractCall DeployImplementation() => TokenizerArtifacts.Erc721.Deploy();

    // ---- reads ----

    /// <summary>The holder; reverts ERC721NonexistentToken for an id never minted or burned.</summary>
    public async Task<Address> OwnerOfAsync(BigInteger tokenId, BlockTag? block = null, CancellationToken ct = default) =>
        (Address)(await ReadAsync("ownerOf", [tokenId], block, ct))[0]!;

    /// <summary>baseURI + lower-case token address + "/" + id ("" when the base URI is empty).</summary>
    public async Task<string> TokenUriAsync(BigInteger tokenId, BlockTag? block = null, CancellationToken ct = default) =>
        (string)(await ReadAsync("tokenURI", [tokenId], block, ct))[0]!;

    public async Task<string> BaseUriAsync(BlockTag? block = null, CancellationToken ct = default) =>
        (string)(await ReadAsync("baseURI", [], block, ct))[0]!;

    /// <summary>The id the next mint starts at.</summary>
    public async Task<BigInteger> NextTokenIdAsync(BlockTag? block = null, CancellationToken ct = default) =>
        (BigInteger)(await ReadAsync("nextTokenId", [], block, ct))[0]!;

    public async Task<Address> GetApprovedAsync(BigInteger tokenId, BlockTag? block = null, CancellationToken ct = default) =>
        (Address)(await ReadAsync("getApproved", [tokenId], block, ct))[0]!;

    public Task<bool> IsApprovedForAllAsync(Address owner, Address @operator, BlockTag? block = null, CancellationToken ct = default) =>
        BoolAsync("isApprovedForAll", [owner, @operator], block, ct);

    /// <summary>The token's metadata (empty record when none was set); reverts ERC721NonexistentToken for a missing id.</summary>
    public async Task<TokenMetadata> GetTokenMetadataAsync(BigInteger tokenId, BlockTag? block = null, CancellationToken ct = default) =>
        TokenMetadata.FromAbiOutputs(await ReadAsync("getTokenMetadata", [tokenId], block, ct));

    public Task<bool> HasTokenMetadataAsync(BigInteger tokenId, BlockTag? block = null, CancellationToken ct = default) =>
        BoolAsync("hasTokenMetadata", [tokenId], block, ct);

    public async Task<IReadOnlyList<string>> MetadataKeysAsync(BigInteger tokenId, BlockTag? block = null, CancellationToken ct = default) =>
        ((object?[])(await ReadAsync("metadataKeys", [tokenId], block, ct))[0]!).Cast<string>().ToArray();

    // ---- writes ----

    /// <summary>MINTER_ROLE. Mints <paramref name="count"/> (1..500) sequential ids, exactly once per command id; see <see cref="Erc721MintedEvent"/>.</summary>
    public ContractCall Mint(Hash32 commandId, Address to, BigInteger count) => Write("mint", commandId, to, count);

    /// <summary>MINTER_ROLE. Burns exactly these ids, all owned by <paramref name="from"/> (all or nothing), exactly once per command id.</summary>
    public ContractCall Burn(Hash32 commandId, Address from, IReadOnlyList<BigInteger> tokenIds)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        return Write("burn", commandId, from, tokenIds.Select(id => (object?)id).ToArray());
    }

    public ContractCall TransferFrom(Address from, Address to, BigInteger tokenId) => Write("transferFrom", from, to, tokenId);

    public ContractCall SafeTransferFrom(Address from, Address to, BigInteger tokenId) =>
        Write("safeTransferFrom(address,address,uint256)", from, to, tokenId);

    /// <summary>ERC721 token approval (not the allowlist: that is <see cref="TokenizerTokenContract.ApproveAccount"/>).</summary>
    public ContractCall Approve(Address to, BigInteger tokenId) => Write("approve", to, tokenId);

    public ContractCall SetApprovalForAll(Address @operator, bool approved) => Write("setApprovalForAll", @operator, approved);

    /// <summary>CONTROLLER_ROLE. At most 256 bytes (BaseURITooLong); emits BaseURIUpdated and BatchMetadataUpdate.</summary>
    public ContractCall SetBaseUri(string baseUri) => Write("setBaseURI", baseUri);

    /// <summary>CONTROLLER_ROLE. Replaces the token's whole metadata record; emits MetadataUpdate(tokenId).</summary>
    public ContractCall SetTokenMetadata(BigInteger tokenId, TokenMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return Write("setTokenMetadata", [tokenId, .. metadata.ToAbiArguments()]);
    }
}
